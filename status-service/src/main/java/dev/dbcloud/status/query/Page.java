package dev.dbcloud.status.query;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: its items, and the cursor that asks for the page after it ({@code null} on the last page).
 *
 * @param next the {@code cursor} of the next page; null when this page is the last
 */
record Page<T>(List<T> items, String next) {

    /**
     * The page of {@code rows}, which a query read with {@code limit + 1} so that one more row than the page holds
     * says there is a next page.
     */
    static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, String> cursorOf) {
        if (rows.size() <= request.limit()) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, request.limit()));
        return new Page<>(items, cursorOf.apply(items.get(items.size() - 1)));
    }
}
