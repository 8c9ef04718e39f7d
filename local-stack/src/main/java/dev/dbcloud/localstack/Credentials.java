package dev.dbcloud.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/** The {@code credentials} file the CLI reads: {@code url=}, {@code api_key=}, {@code admin_key=} lines, mode 0600. */
public record Credentials(String url, String apiKey, String adminKey) {

    static Credentials read(Path file) {
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
                properties.getProperty("admin_key"));
    }

    void write(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, "url=" + url + "\napi_key=" + apiKey + "\nadmin_key=" + adminKey + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public String toString() {
        return "Credentials[url=" + url + ", keys hidden]";
    }
}
