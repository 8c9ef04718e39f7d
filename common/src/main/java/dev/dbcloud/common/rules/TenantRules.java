package dev.dbcloud.common.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Input rules of tenancy: a tenant's name, which is part of every record key ({@code tenant/instanceName}) and so
 * never holds a slash, and the optional label of an API key.
 */
public final class TenantRules {

    public static final int TENANT_MIN = 3;
    public static final int TENANT_MAX = 32;
    public static final int KEY_NAME_MAX = 64;

    /** 3 to 32 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen. */
    public static List<Violation> tenantName(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        if (value == null || value.isEmpty()) {
            violations.add(new Violation(field, Rule.REQUIRED, "is required"));
            return violations;
        }
        if (value.length() < TENANT_MIN || value.length() > TENANT_MAX) {
            violations.add(new Violation(field, Rule.LENGTH,
                    "must be " + TENANT_MIN + " to " + TENANT_MAX + " characters long"));
        }
        if (!value.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            violations.add(new Violation(field, Rule.ALLOWED_CHARACTERS,
                    "may contain only lowercase letters (a-z), digits and hyphens"));
        } else if (value.charAt(0) < 'a' || value.charAt(0) > 'z') {
            violations.add(new Violation(field, Rule.STARTS_WITH_LETTER, "must start with a lowercase letter"));
        } else if (value.endsWith("-") || value.contains("--")) {
            violations.add(new Violation(field, Rule.FORMAT, "must not end with a hyphen or hold two in a row"));
        }
        return violations;
    }

    /** An API key's label: optional, at most 64 characters, none of them a control character. */
    public static List<Violation> keyName(String field, String value) {
        if (value == null) {
            return List.of();
        }
        if (value.codePointCount(0, value.length()) > KEY_NAME_MAX) {
            return List.of(new Violation(field, Rule.LENGTH, "must be at most " + KEY_NAME_MAX + " characters long"));
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            return List.of(new Violation(field, Rule.FORBIDDEN_CHARACTER, "must not contain control characters"));
        }
        return List.of();
    }

    private TenantRules() {
    }
}
