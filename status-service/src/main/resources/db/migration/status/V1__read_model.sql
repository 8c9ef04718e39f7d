-- The status read model. Idempotency and ordering live here, not in Java:
--  * events: one row per applied event id; inserting an id that is already there means the event is a duplicate.
--  * every later change is a conditional UPDATE (or an INSERT ... ON CONFLICT) that only moves state forward,
--    so a command projected after its outcome, or an outcome applied twice, changes nothing.

-- The timeline, and the record of which events were applied.
CREATE TABLE events (
    event_id     uuid        PRIMARY KEY,
    operation_id uuid        NOT NULL,
    tenant       text        NOT NULL,
    instance_name text       NOT NULL,
    type         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_by_instance ON events (tenant, instance_name, occurred_at);
CREATE INDEX events_by_operation ON events (operation_id, occurred_at);

CREATE TABLE operations (
    id            uuid        PRIMARY KEY,
    tenant        text        NOT NULL,
    instance_name text        NOT NULL,
    type          text        NOT NULL
        CHECK (type IN ('PROVISION', 'DESTROY', 'PASSWORD_RESET', 'LINK', 'UNLINK', 'MIGRATE')),
    status        text        NOT NULL
        CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    -- The failure event's reason (its enum symbol) and message; both set exactly when status is FAILED.
    error_code    text,
    error_message text,
    -- The earliest and the latest occurredAt of the events applied to this row.
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((status = 'FAILED') = (error_code IS NOT NULL))
);

CREATE INDEX operations_by_instance ON operations (tenant, instance_name, created_at DESC);

-- One row per incarnation of an instance: a destroyed instance's name can be provisioned again, so the key is the
-- operation that provisioned it, and the name is unique per tenant only among instances not destroyed.
CREATE TABLE instances (
    id                uuid        PRIMARY KEY,
    tenant            text        NOT NULL,
    name              text        NOT NULL,
    status            text        NOT NULL
        CHECK (status IN ('PROVISIONING', 'AVAILABLE', 'UNAVAILABLE', 'FAILED', 'DESTROYING', 'DESTROYED')),
    host_name         text,
    port              integer,
    -- Null only while a failed provisioning's command has not been projected yet.
    admin_username    text,
    driver            text        NOT NULL CHECK (driver IN ('LOCAL', 'LINKED')),
    -- occurredAt of the latest health observation (provisioning counts as one); older ones are ignored.
    health_changed_at timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE UNIQUE INDEX instances_current_name ON instances (tenant, name) WHERE status <> 'DESTROYED';
