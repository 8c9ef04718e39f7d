-- The instances this provisioner runs, one row per provisioning operation (a destroyed name can come back).
CREATE TABLE instances (
    operation_id                 uuid PRIMARY KEY,
    tenant                       text        NOT NULL,
    name                         text        NOT NULL,
    driver                       text        NOT NULL,
    status                       text        NOT NULL CHECK (status IN ('PROVISIONING', 'AVAILABLE', 'FAILED', 'DESTROYED')),
    admin_username               text        NOT NULL,
    port                         integer     NOT NULL,
    data_directory               text        NOT NULL,
    control_password_ciphertext  bytea       NOT NULL,
    host_name                    text,
    failure_reason               text,
    failure_message              text,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL
);

-- A name and a port belong to at most one live instance.
CREATE UNIQUE INDEX instances_live_name ON instances (tenant, name) WHERE status <> 'DESTROYED';
CREATE UNIQUE INDEX instances_live_port ON instances (port) WHERE status <> 'DESTROYED';
