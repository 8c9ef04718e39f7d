package dev.dbcloud.common.rules;

/**
 * One broken rule: which field, which rule (a stable code clients can switch on), and a sentence for people.
 * The message never repeats the offending value, which may be a password.
 */
public record Violation(String field, Rule rule, String message) {
}
