package dev.dbcloud.common.rules;

/** The stable codes of the input rules, as they appear in problem details. */
public enum Rule {
    REQUIRED,
    LENGTH,
    ALLOWED_CHARACTERS,
    STARTS_WITH_LETTER,
    RESERVED,
    FORBIDDEN_CHARACTER,
    RANGE,
    FORMAT,
    UNIQUE,
    /** A field the request does not take (a misspelled name, say): refused rather than ignored. */
    UNKNOWN_FIELD
}
