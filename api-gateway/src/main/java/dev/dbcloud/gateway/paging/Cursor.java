package dev.dbcloud.gateway.paging;

import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The sort key of a list's item, as a page's {@code next} carries it: base64url of its parts, one a line. Clients
 * treat it as opaque; a value that does not decode to the list's key is refused with 400 naming {@code cursor}.
 */
public record Cursor(List<String> parts) {

    public static Cursor of(Object... parts) {
        return new Cursor(java.util.Arrays.stream(parts).map(String::valueOf).toList());
    }

    String encoded() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor, int parts) {
        try {
            List<String> decoded = List.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                    .split("\n", -1));
            if (decoded.size() != parts || decoded.stream().anyMatch(String::isEmpty)) {
                throw refused();
            }
            return new Cursor(decoded);
        } catch (IllegalArgumentException e) {
            throw refused();
        }
    }

    public String text(int part) {
        return parts.get(part);
    }

    public UUID uuid(int part) {
        try {
            return UUID.fromString(parts.get(part));
        } catch (IllegalArgumentException e) {
            throw refused();
        }
    }

    public OffsetDateTime time(int part) {
        try {
            return Instant.parse(parts.get(part)).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw refused();
        }
    }

    static ValidationFailedException refused() {
        return new ValidationFailedException(List.of(
                new Violation("cursor", Rule.FORMAT, "must be the next of a page of this list, unchanged")));
    }
}
