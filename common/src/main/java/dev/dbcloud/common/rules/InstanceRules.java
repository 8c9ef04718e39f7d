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
 * Each check returns every violation at once (empty when valid), never throws.
 */
public final class InstanceRules {

    public static final int NAME_MIN = 3;
    public static final int NAME_MAX = 16;
    public static final int PASSWORD_MIN = 8;
    public static final int PASSWORD_MAX = 128;
    public static final Set<String> RESERVED_USERNAMES = Set.of("dbosadmin", "dbos", "postgres", "admin");
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
