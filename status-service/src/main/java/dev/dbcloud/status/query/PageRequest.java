package dev.dbcloud.status.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Which page of a list to read: at most {@code limit} items (1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT}
 * unless asked), after the item a {@code cursor} names. A cursor is opaque to clients: the base64url of the sort key
 * of the last item of the page before, one part per line. Lists are read by keyset (the sort key greater or less
 * than the cursor's), so a page never repeats or skips an item that stayed in the list meanwhile.
 *
 * <p>A limit out of range, and a cursor that does not decode to the list's sort key, answer 400 VALIDATION_FAILED
 * naming {@code limit} or {@code cursor} and the rule, as the gateway answers them.
 */
record PageRequest(int limit, List<String> after) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    private static final int MAX_CURSOR_LENGTH = 512;

    /**
     * @param limit as the query string gave it; null for the default
     * @param cursor as the query string gave it; null for the first page
     * @param keyParts how many parts the list's sort key has
     */
    static PageRequest of(String limit, String cursor, int keyParts) {
        return new PageRequest(limit(limit), cursor == null ? null : decode(cursor, keyParts));
    }

    /** The cursor that asks for the items after one with this sort key. */
    static String cursor(Object... key) {
        StringBuilder text = new StringBuilder();
        for (Object part : key) {
            text.append(text.isEmpty() ? "" : "\n").append(part);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    boolean isFirst() {
        return after == null;
    }

    /** How many rows a query reads: one more than the page, to tell whether a next page exists. */
    int rowsToRead() {
        return limit + 1;
    }

    String text(int part) {
        return after.get(part);
    }

    UUID uuid(int part) {
        try {
            return UUID.fromString(after.get(part));
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    OffsetDateTime time(int part) {
        try {
            return Instant.parse(after.get(part)).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw badCursor();
        }
    }

    long number(int part) {
        try {
            return Long.parseLong(after.get(part));
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        int value;
        try {
            value = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw invalid("limit", "FORMAT", "limit must be a whole number");
        }
        if (value < 1 || value > MAX_LIMIT) {
            throw invalid("limit", "RANGE", "limit must be between 1 and " + MAX_LIMIT);
        }
        return value;
    }

    private static List<String> decode(String cursor, int keyParts) {
        if (cursor.isEmpty() || cursor.length() > MAX_CURSOR_LENGTH) {
            throw badCursor();
        }
        try {
            List<String> parts = List.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                    .split("\n", -1));
            if (parts.size() != keyParts || parts.stream().anyMatch(String::isEmpty)) {
                throw badCursor();
            }
            return parts;
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    private static ErrorResponseException badCursor() {
        return invalid("cursor", "FORMAT", "cursor must be the next of a page of this list, unchanged");
    }

    /** 400 VALIDATION_FAILED naming the field and the rule it breaks, as the gateway answers them. */
    static ErrorResponseException invalid(String field, String rule, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request breaks input rules.");
        problem.setProperty("code", "VALIDATION_FAILED");
        problem.setProperty("errors", List.of(Map.of("field", field, "rule", rule, "message", message)));
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }
}
