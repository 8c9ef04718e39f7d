-- Tenants: the admin key creates them, each with a first API key; every key but the admin's belongs to one.
CREATE TABLE tenants (
    name        text PRIMARY KEY,
    created_at  timestamptz NOT NULL
);
INSERT INTO tenants (name, created_at)
    SELECT tenant, min(created_at) FROM api_keys WHERE tenant IS NOT NULL GROUP BY tenant;

-- A key is shown once; afterwards its id, its visible prefix and its label name it, never the key.
ALTER TABLE api_keys ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE api_keys ADD CONSTRAINT api_keys_id_unique UNIQUE (id);
ALTER TABLE api_keys ADD COLUMN name text;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_fk FOREIGN KEY (tenant) REFERENCES tenants (name);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant, created_at);
