-- Each application database's migration history, and its last failed migration.
-- The rules of V1 hold: idempotency and ordering live in the schema and in conditional statements. Both belong to an
-- incarnation of an instance (its row), like the databases table, so a destroyed instance's history never shows on a
-- new instance of the same name.

-- The latest MigrationSucceeded applied to a database: its history replaces the stored one only when it happened
-- later (succeeded_at), so a duplicate or a success projected after a later one changes nothing.
CREATE TABLE migration_histories (
    instance_id     uuid        NOT NULL,
    database        text        NOT NULL,
    -- The MigrationSucceeded whose history is stored.
    operation_id    uuid        NOT NULL,
    -- The database's schema version after that run; null if it has none.
    current_version text,
    -- occurredAt of that MigrationSucceeded: the time of the latest success.
    succeeded_at    timestamptz NOT NULL,
    PRIMARY KEY (instance_id, database),
    -- A migration that succeeded shows its database exists; the same event records both.
    FOREIGN KEY (instance_id, database) REFERENCES databases (instance_id, name)
);

-- The applied migrations of each stored history, replaced together with their migration_histories row.
CREATE TABLE applied_migrations (
    instance_id     uuid        NOT NULL,
    database        text        NOT NULL,
    -- Position in the history as reported, from 1 (the oldest).
    ordinal         integer     NOT NULL CHECK (ordinal > 0),
    version         text        NOT NULL,
    description     text        NOT NULL,
    -- Flyway's CRC32 checksum of the script, if it has one.
    checksum        integer,
    applied_at      timestamptz NOT NULL,
    duration_millis bigint      NOT NULL,
    PRIMARY KEY (instance_id, database, ordinal),
    FOREIGN KEY (instance_id, database) REFERENCES migration_histories (instance_id, database) ON DELETE CASCADE
);

-- The latest MigrationFailed applied to a database (by occurredAt). A failure need not leave a database behind (the
-- instance was not available, say), so this table does not depend on the databases table; a later success does not
-- erase it, and a reader compares occurred_at with migration_histories.succeeded_at to tell which came last.
CREATE TABLE migration_failures (
    instance_id    uuid        NOT NULL REFERENCES instances (id),
    database       text        NOT NULL,
    operation_id   uuid        NOT NULL,
    -- The event's reason (its enum symbol).
    reason         text        NOT NULL,
    failed_version text,
    sql_state      text,
    message        text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    PRIMARY KEY (instance_id, database)
);
