-- API keys, stored as SHA-256 hashes of high-entropy random keys; tenant is null for admin keys.
CREATE TABLE api_keys (
    key_hash    text PRIMARY KEY,
    prefix      text        NOT NULL,
    tenant      text,
    admin       boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (admin OR tenant IS NOT NULL)
);

-- Every accepted command, committed with its outbox row before the gateway answers 202.
CREATE TABLE operations (
    id             uuid PRIMARY KEY,
    tenant         text        NOT NULL,
    instance_name  text        NOT NULL,
    type           text        NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX operations_by_instance ON operations (tenant, instance_name, created_at);
