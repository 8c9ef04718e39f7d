package dev.dbcloud.common.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The seed's rules for instance names, usernames and passwords, shared by the gateway, the CLI and the
 * services so every part agrees on what is valid.
 *
 * <ul>
 *   <li>instance name and username: 3 to 16 characters, lowercase letters, digits and underscores only;
 *   <li>the username starts with a letter; {@code dbosadmin}, {@code dbos}, {@code postgres} and
 *       {@code admin} are reserved;
 *   <li>the password: 8 to 128 characters, none of {@code / " @ '} and no whitespace of any kind.
 * </ul>
 *
 * <p>Beyond the seed, the names that reach SQL as identifiers (application databases, a linked server's control
 * role) are PostgreSQL identifiers that never need quoting: 1 to 63 characters, lowercase letters, digits and
 * underscores, not starting with a digit. They are still quoted wherever they reach SQL.
 *
 * Each check returns every violation at once (empty when valid), never throws.
 */
public final class InstanceRules {

    public static final int NAME_MIN = 3;
    public static final int NAME_MAX = 16;
    public static final int PASSWORD_MIN = 8;
    public static final int PASSWORD_MAX = 128;
    public static final Set<String> RESERVED_USERNAMES = Set.of("dbosadmin", "dbos", "postgres", "admin");
    public static final int IDENTIFIER_MAX = 63;
    public static final int HOST_NAME_MAX = 253;
    public static final int LINKED_PASSWORD_MAX = 1024;
    /** Databases every server has; applications cannot take their names. */
    public static final Set<String> RESERVED_DATABASES = Set.of("postgres", "template0", "template1");
    private static final String FORBIDDEN_PASSWORD_CHARACTERS = "/\"@'";

    public static List<Violation> instanceName(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        checkName(field, value, violations);
        return violations;
    }

    public static List<Violation> username(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        if (!checkName(field, value, violations)) {
            return violations;
        }
        if (!isLowercaseLetter(value.charAt(0))) {
            violations.add(new Violation(field, Rule.STARTS_WITH_LETTER, "must start with a lowercase letter"));
        }
        if (RESERVED_USERNAMES.contains(value)) {
            violations.add(new Violation(field, Rule.RESERVED,
                    "is reserved; choose a name other than dbosadmin, dbos, postgres or admin"));
        }
        return violations;
    }

    public static List<Violation> password(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(field, Rule.REQUIRED, "is required"));
            return violations;
        }
        int length = value.codePointCount(0, value.length());
        if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
            violations.add(new Violation(field, Rule.LENGTH,
                    "must be " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters long"));
        }
        if (value.codePoints().anyMatch(InstanceRules::isForbiddenInPassword)) {
            violations.add(new Violation(field, Rule.FORBIDDEN_CHARACTER,
                    "must not contain /, \", @, ' or whitespace"));
        }
        return violations;
    }

    /** A database name to connect to, such as the {@code database} of a connection URL. */
    public static List<Violation> databaseName(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        checkIdentifier(field, value, violations);
        return violations;
    }

    /** An application's database: a {@link #databaseName} that is not one every server already has. */
    public static List<Violation> applicationDatabaseName(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        if (checkIdentifier(field, value, violations) && RESERVED_DATABASES.contains(value)) {
            violations.add(new Violation(field, Rule.RESERVED,
                    "is reserved; choose a name other than postgres, template0 or template1"));
        }
        return violations;
    }

    /** A role on a server the user links, such as its control role. */
    public static List<Violation> roleName(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        checkIdentifier(field, value, violations);
        return violations;
    }

    /** A DNS host name (RFC 1123 labels) or an IP address literal, as clients connect to it. */
    public static List<Violation> hostName(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(field, Rule.REQUIRED, "is required"));
            return violations;
        }
        if (value.length() > HOST_NAME_MAX) {
            violations.add(new Violation(field, Rule.LENGTH, "must be at most " + HOST_NAME_MAX + " characters long"));
        }
        if (!isDnsName(value) && !isIpv6Literal(value)) {
            violations.add(new Violation(field, Rule.ALLOWED_CHARACTERS,
                    "must be a host name (letters, digits, hyphens and dots) or an IP address"));
        }
        return violations;
    }

    public static List<Violation> port(String field, Integer value) {
        if (value == null) {
            return List.of(new Violation(field, Rule.REQUIRED, "is required"));
        }
        if (value < 1 || value > 65535) {
            return List.of(new Violation(field, Rule.RANGE, "must be between 1 and 65535"));
        }
        return List.of();
    }

    /**
     * The password of a linked server's control role. It is the user's own, set on their server, so the seed's
     * alphabet does not apply; it only has to exist and stay bounded.
     */
    public static List<Violation> linkedPassword(String field, String value) {
        if (value == null || value.isEmpty()) {
            return List.of(new Violation(field, Rule.REQUIRED, "is required"));
        }
        if (value.length() > LINKED_PASSWORD_MAX || value.indexOf('\0') >= 0) {
            return List.of(new Violation(field, Rule.LENGTH,
                    "must be at most " + LINKED_PASSWORD_MAX + " characters long, without NUL characters"));
        }
        return List.of();
    }

    private static boolean checkIdentifier(String field, String value, List<Violation> violations) {
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(field, Rule.REQUIRED, "is required"));
            return false;
        }
        boolean valid = true;
        if (value.length() > IDENTIFIER_MAX) {
            violations.add(new Violation(field, Rule.LENGTH, "must be 1 to " + IDENTIFIER_MAX + " characters long"));
            valid = false;
        }
        if (!value.chars().allMatch(c -> isLowercaseLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
            violations.add(new Violation(field, Rule.ALLOWED_CHARACTERS,
                    "may contain only lowercase letters (a-z), digits and underscores"));
            valid = false;
        } else if (value.charAt(0) >= '0' && value.charAt(0) <= '9') {
            violations.add(new Violation(field, Rule.STARTS_WITH_LETTER, "must start with a letter or an underscore"));
            valid = false;
        }
        return valid;
    }

    private static boolean isDnsName(String value) {
        if (value.startsWith(".") || value.endsWith(".") || value.contains("..")) {
            return false;
        }
        for (String label : value.split("\\.")) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6Literal(String value) {
        return value.indexOf(':') >= 0 && value.length() <= 45
                && value.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }

    /** Checks length and alphabet; answers whether the value is non-empty, so callers can go on checking. */
    private static boolean checkName(String field, String value, List<Violation> violations) {
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(field, Rule.REQUIRED, "is required"));
            return false;
        }
        if (value.length() < NAME_MIN || value.length() > NAME_MAX) {
            violations.add(new Violation(field, Rule.LENGTH,
                    "must be " + NAME_MIN + " to " + NAME_MAX + " characters long"));
        }
        if (!value.chars().allMatch(c -> isLowercaseLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
            violations.add(new Violation(field, Rule.ALLOWED_CHARACTERS,
                    "may contain only lowercase letters (a-z), digits and underscores"));
        }
        return true;
    }

    private static boolean isLowercaseLetter(int c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isForbiddenInPassword(int codePoint) {
        return FORBIDDEN_PASSWORD_CHARACTERS.indexOf(codePoint) >= 0
                || Character.isWhitespace(codePoint)
                || Character.isSpaceChar(codePoint);
    }

    private InstanceRules() {
    }
}
