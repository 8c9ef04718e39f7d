package dev.dbcloud.gateway.status;

/**
 * An instance as status-service answered it, with the version it answered it at: the id of the last event it had
 * applied to it (its ETag), or null when it gave none.
 */
public record VersionedInstance(InstanceView instance, String version) {
}
