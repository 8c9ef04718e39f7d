package dev.dbcloud.gateway.instances;

/** The body of {@code POST /v1/instances/{name}/databases}: the application database's name. */
public record CreateDatabaseRequest(String name) {
}
