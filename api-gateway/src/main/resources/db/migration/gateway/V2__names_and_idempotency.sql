-- The names the tenant's instances hold: a row from the accepted provisioning (or link) until the provisioner reports
-- the instance destroyed (or unlinked). The primary key makes a name unique per tenant among instances not destroyed,
-- at the moment the request is accepted, before anything is published.
CREATE TABLE instance_names (
    tenant                text        NOT NULL,
    name                  text        NOT NULL,
    driver                text        NOT NULL CHECK (driver IN ('LOCAL', 'LINKED')),
    -- The provisioning (or link) operation that took the name.
    operation_id          uuid        NOT NULL,
    -- The destroy (or unlink) operation under way, if any; its success releases the name, its failure clears this.
    release_operation_id  uuid        UNIQUE,
    created_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant, name)
);

-- Idempotency-Key: a key names one accepted operation per tenant for a day. The fingerprint is a SHA-256 of the
-- request's non-secret parts; a password in the request is kept only as a salted PBKDF2 hash, to tell a replay
-- from a different request.
CREATE TABLE idempotency_keys (
    tenant        text        NOT NULL,
    key           text        NOT NULL,
    fingerprint   bytea       NOT NULL,
    secret_salt   bytea,
    secret_hash   bytea,
    operation_id  uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
