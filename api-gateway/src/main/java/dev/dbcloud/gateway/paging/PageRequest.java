package dev.dbcloud.gateway.paging;

import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which page of a list to read: at most {@code limit} items (1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT}
 * unless asked), after the item an opaque {@code cursor} names (the {@code next} of the page before; none for the
 * first page). Lists are read by keyset on their sort key, so following {@code next} reads every item that stays in
 * the list once, even while the list changes.
 */
public record PageRequest(int limit, String cursor) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;
    /** {@link #DEFAULT_LIMIT} as a request parameter's default. */
    public static final String DEFAULT_LIMIT_PARAMETER = "100";
    /** A cursor is base64url: a value of other characters was not one the API gave. */
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,512}");

    /** Refuses a limit out of range or a cursor the API cannot have given, with 400 naming the field and the rule. */
    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationFailedException(List.of(
                    new Violation("limit", Rule.RANGE, "must be between 1 and " + MAX_LIMIT)));
        }
        if (cursor != null && !CURSOR.matcher(cursor).matches()) {
            throw Cursor.refused();
        }
    }

    public boolean isFirst() {
        return cursor == null;
    }

    /** The sort key the cursor holds, of {@code parts} parts; 400 naming {@code cursor} when it holds none. */
    public Cursor after(int parts) {
        return Cursor.decode(cursor, parts);
    }

    /** How many rows a query reads: one more than the page, to tell whether a next page exists. */
    public int rowsToRead() {
        return limit + 1;
    }
}
