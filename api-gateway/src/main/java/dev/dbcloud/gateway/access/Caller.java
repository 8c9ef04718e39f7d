package dev.dbcloud.gateway.access;

import dev.dbcloud.common.InstanceRef;

/** Who made a request: a tenant's key, or the admin key. */
public record Caller(String tenant, boolean admin) {

    /** The caller's tenant's instance of that name. */
    public InstanceRef instance(String name) {
        return new InstanceRef(tenant, name);
    }
}
