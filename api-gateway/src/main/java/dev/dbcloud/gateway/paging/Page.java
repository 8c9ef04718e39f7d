package dev.dbcloud.gateway.paging;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, as every list of the API answers it.
 *
 * @param items at most the request's {@code limit} items, in the list's order
 * @param next the {@code cursor} that asks for the page after this one; null on the last page
 */
public record Page<T>(List<T> items,
        @Schema(description = "The cursor of the next page; null on the last page.", types = {"string", "null"})
        String next) {

    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page of {@code rows}, which a query read with {@link PageRequest#rowsToRead()} (one more than the page) so
     * that an extra row says a next page exists; its cursor is the sort key of the page's last item.
     */
    public static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, Cursor> sortKey) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, request.limit());
        return new Page<>(items, sortKey.apply(items.get(items.size() - 1)).encoded());
    }
}
