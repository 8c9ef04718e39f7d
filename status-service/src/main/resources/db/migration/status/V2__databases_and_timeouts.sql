-- Application databases, database creation as an operation, and operations that time out.
-- The rules of V1 hold: idempotency and ordering live in the schema and in conditional statements.

ALTER TABLE operations DROP CONSTRAINT operations_type_check;
ALTER TABLE operations ADD CONSTRAINT operations_type_check
    CHECK (type IN ('PROVISION', 'DESTROY', 'PASSWORD_RESET', 'LINK', 'UNLINK', 'MIGRATE', 'CREATE_DATABASE'));

-- True while the operation is FAILED because no outcome came in time (error code TIMEOUT), rather than because an
-- outcome said so. Such a failure is not final: the real outcome, when it comes, replaces it and clears the flag.
ALTER TABLE operations ADD COLUMN timed_out boolean NOT NULL DEFAULT false;
ALTER TABLE operations ADD CONSTRAINT operations_timed_out_check CHECK (NOT timed_out OR status = 'FAILED');

-- What the timeout sweeper looks for.
CREATE INDEX operations_unfinished ON operations (created_at) WHERE status IN ('PENDING', 'RUNNING');

-- The application databases known to exist on each incarnation of an instance. They belong to the instance row,
-- not to its name, so a destroyed instance's databases never show on a new instance of the same name.
CREATE TABLE databases (
    instance_id uuid        NOT NULL REFERENCES instances (id),
    name        text        NOT NULL,
    -- The role that owns it: what DatabaseCreated says, else the instance's admin user (null if not known yet).
    owner       text,
    -- The earliest occurredAt of the events that showed the database exists.
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (instance_id, name)
);
