package dev.dbcloud.common;

import java.util.Objects;

/**
 * Identifies an instance: the tenant that owns it and its name, unique per tenant among instances that are
 * not destroyed.
 */
public record InstanceRef(String tenant, String name) {

    private static final char SEPARATOR = '/';

    public InstanceRef {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
    }

    /** The Kafka record key: {@code tenant/name}. */
    public String key() {
        return tenant + SEPARATOR + name;
    }

    public static InstanceRef fromKey(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at <= 0 || at == key.length() - 1) {
            throw new IllegalArgumentException("not an instance key: " + key);
        }
        return new InstanceRef(key.substring(0, at), key.substring(at + 1));
    }

    @Override
    public String toString() {
        return key();
    }
}
