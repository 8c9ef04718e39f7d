package dev.dbcloud.common.rules;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a set of migrations must be before anything runs it, shared by the gateway and the CLI.
 *
 * <ul>
 *   <li>at least one migration, at most {@value #MIGRATIONS_MAX}, with distinct versions;
 *   <li>a version is Flyway's: numbers separated by dots or underscores ({@code 1}, {@code 1.1}, {@code 2024_01_02});
 *       {@code 1.0} and {@code 1} are the same version, as Flyway compares them;
 *   <li>a description of 1 to {@value #DESCRIPTION_MAX} characters without control characters;
 *   <li>a non-blank script; all scripts together at most {@value #TOTAL_SQL_BYTES_MAX} bytes of UTF-8, so the
 *       command fits in one Kafka record ({@link #totalSqlBytes} tells callers when to answer 413).
 * </ul>
 */
public final class MigrationRules {

    public static final int MIGRATIONS_MAX = 1000;
    public static final int VERSION_MAX = 50;
    public static final int DESCRIPTION_MAX = 200;
    public static final int TOTAL_SQL_BYTES_MAX = 512 * 1024;
    private static final Pattern VERSION = Pattern.compile("\\d+([._]\\d+)*");

    /** One migration as the rules see it. */
    public record Script(String version, String description, String sql) {
    }

    /** Every violation of the set, with fields named {@code migrations[i].version} and so on. */
    public static List<Violation> migrations(String field, List<Script> migrations) {
        List<Violation> violations = new ArrayList<>();
        if (migrations == null || migrations.isEmpty()) {
            violations.add(new Violation(field, Rule.REQUIRED, "must hold at least one migration"));
            return violations;
        }
        if (migrations.size() > MIGRATIONS_MAX) {
            violations.add(new Violation(field, Rule.LENGTH, "may hold at most " + MIGRATIONS_MAX + " migrations"));
        }
        Map<String, Integer> firstByVersion = new HashMap<>();
        for (int i = 0; i < migrations.size(); i++) {
            String at = field + "[" + i + "]";
            Script script = migrations.get(i);
            if (script == null) {
                violations.add(new Violation(at, Rule.REQUIRED, "is required"));
                continue;
            }
            List<Violation> version = version(at + ".version", script.version());
            violations.addAll(version);
            if (version.isEmpty()) {
                Integer first = firstByVersion.putIfAbsent(normalized(script.version()), i);
                if (first != null) {
                    violations.add(new Violation(at + ".version", Rule.UNIQUE,
                            "repeats the version of " + field + "[" + first + "]"));
                }
            }
            violations.addAll(description(at + ".description", script.description()));
            if (script.sql() == null || script.sql().isBlank()) {
                violations.add(new Violation(at + ".sql", Rule.REQUIRED, "is required"));
            }
        }
        return violations;
    }

    public static List<Violation> version(String field, String value) {
        if (value == null || value.isEmpty()) {
            return List.of(new Violation(field, Rule.REQUIRED, "is required"));
        }
        if (value.length() > VERSION_MAX || !VERSION.matcher(value).matches()) {
            return List.of(new Violation(field, Rule.FORMAT,
                    "must be numbers separated by dots or underscores, such as 1, 1.1 or 2024_01_02, at most "
                            + VERSION_MAX + " characters"));
        }
        return List.of();
    }

    public static List<Violation> description(String field, String value) {
        if (value == null || value.isBlank()) {
            return List.of(new Violation(field, Rule.REQUIRED, "is required"));
        }
        if (value.length() > DESCRIPTION_MAX || value.chars().anyMatch(Character::isISOControl)) {
            return List.of(new Violation(field, Rule.LENGTH,
                    "must be 1 to " + DESCRIPTION_MAX + " characters long, without control characters"));
        }
        return List.of();
    }

    /** The scripts' total size in UTF-8 bytes; above {@link #TOTAL_SQL_BYTES_MAX} the set is too large. */
    public static long totalSqlBytes(List<Script> migrations) {
        return migrations == null ? 0 : migrations.stream()
                .filter(script -> script != null && script.sql() != null)
                .mapToLong(script -> script.sql().getBytes(StandardCharsets.UTF_8).length)
                .sum();
    }

    /** The version as Flyway compares it: {@code 1.0}, {@code 1_0} and {@code 01} are all {@code 1}. */
    static String normalized(String version) {
        List<BigInteger> parts = Stream.of(version.split("[._]")).map(BigInteger::new)
                .collect(Collectors.toCollection(ArrayList::new));
        while (parts.size() > 1 && parts.get(parts.size() - 1).signum() == 0) {
            parts.remove(parts.size() - 1);
        }
        return parts.stream().map(BigInteger::toString).collect(Collectors.joining("."));
    }

    private MigrationRules() {
    }
}
