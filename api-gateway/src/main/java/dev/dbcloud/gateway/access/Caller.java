package dev.dbcloud.gateway.access;

/** Who made a request: a tenant's key, or the admin key. */
public record Caller(String tenant, boolean admin) {
}
