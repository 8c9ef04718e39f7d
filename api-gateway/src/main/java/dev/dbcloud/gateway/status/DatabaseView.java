package dev.dbcloud.gateway.status;

import java.time.Instant;

/** An application database on an instance, as status-service projects it. */
public record DatabaseView(String name, String owner, Instant createdAt) {
}
