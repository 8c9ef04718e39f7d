package dev.dbcloud.common;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code credentials} file the local stack writes and the CLI reads: {@code url=}, {@code api_key=},
 * {@code admin_key=} and {@code kafka=} (the local broker's {@code host:port}, for other systems that consume the
 * events) lines, readable by its owner only (mode 0600). It lives in the dbcloud home: {@code $DBCLOUD_HOME}, by
 * default {@code ~/.dbcloud}. Any part may be missing.
 */
public record Credentials(String url, String apiKey, String adminKey, String kafka) {

    public Credentials(String url, String apiKey, String adminKey) {
        this(url, apiKey, adminKey, null);
    }

    public static final String FILE_NAME = "credentials";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The dbcloud home: {@code DBCLOUD_HOME} from the given environment, else {@code ~/.dbcloud}. */
    public static Path home(Map<String, String> environment) {
        String home = environment.get("DBCLOUD_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".dbcloud");
    }

    /** The credentials in {@code file}; all parts missing when there is no such file. */
    public static Credentials read(Path file) {
        if (!Files.exists(file)) {
            return new Credentials(null, null, null);
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new Credentials(properties.getProperty("url"), properties.getProperty("api_key"),
                properties.getProperty("admin_key"), properties.getProperty("kafka"));
    }

    /** Writes the parts present to {@code file}, creating it and its folder for the owner only. */
    public void write(Path file) {
        StringBuilder lines = new StringBuilder();
        append(lines, "url", url);
        append(lines, "api_key", apiKey);
        append(lines, "admin_key", adminKey);
        append(lines, "kafka", kafka);
        try {
            Path folder = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            Files.writeString(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void append(StringBuilder lines, String key, String value) {
        if (value != null) {
            lines.append(key).append('=').append(value).append('\n');
        }
    }

    @Override
    public String toString() {
        return "Credentials[url=" + url + ", kafka=" + kafka + ", keys hidden]";
    }
}
