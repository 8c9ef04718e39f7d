package dev.dbcloud.security;

import org.springframework.http.HttpStatus;

/** The stable {@code code} of a problem that no handler gave one of its own: the status's name, mostly. */
public final class ProblemCodes {

    private ProblemCodes() {
    }

    public static String of(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "MALFORMED_REQUEST";
            case UNAUTHORIZED -> "UNAUTHENTICATED";
            case CONTENT_TOO_LARGE -> "REQUEST_TOO_LARGE";
            case INTERNAL_SERVER_ERROR -> "INTERNAL_ERROR";
            default -> status.name();
        };
    }
}
