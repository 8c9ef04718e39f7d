-- Backups and point-in-time restore. The rules of V1 hold: idempotency and ordering live in the schema and in
-- conditional statements.

-- A restore makes a new instance, as a provisioning does: RESTORE is an operation, its row keys the new incarnation.
ALTER TABLE operations DROP CONSTRAINT operations_type_check;
ALTER TABLE operations ADD CONSTRAINT operations_type_check
    CHECK (type IN ('PROVISION', 'DESTROY', 'PASSWORD_RESET', 'LINK', 'UNLINK', 'MIGRATE', 'CREATE_DATABASE',
                    'START', 'STOP', 'RESTORE'));

-- The application database a MIGRATE operation ran on, as its outcome names it (null until one is projected): the
-- migration history lists the restore points of the runs on each database.
ALTER TABLE operations ADD COLUMN database text;
-- The restore point the migration service made on the instance's server just before a MIGRATE run: its name there
-- and when it was made. The first one an outcome reports stays; both are set together, or neither.
ALTER TABLE operations ADD COLUMN restore_point_name text;
ALTER TABLE operations ADD COLUMN restore_point_created_at timestamptz;
ALTER TABLE operations ADD CONSTRAINT operations_restore_point_check
    CHECK ((restore_point_name IS NULL) = (restore_point_created_at IS NULL));

CREATE INDEX operations_restore_points ON operations (tenant, instance_name, database)
    WHERE restore_point_name IS NOT NULL;

-- An instance made by a restore: the instance it was restored from, and the moment whose state it holds (the
-- requested time until InstanceRestored says which moment it reached; null for "the latest" until then).
ALTER TABLE instances ADD COLUMN restored_from text;
ALTER TABLE instances ADD COLUMN restored_to timestamptz;
ALTER TABLE instances ADD CONSTRAINT instances_restored_to_check CHECK (restored_to IS NULL OR restored_from IS NOT NULL);

-- The latest BackupsChanged applied to each incarnation of a local instance: the earliest moment a restore can reach
-- (null while it has no base backup) and when that fact happened; a fact replaces the row only when it happened later.
-- Keyed by the incarnation's id (its creating operation, which BackupsChanged names), not by an instances row: the fact
-- may be projected before the incarnation's provisioning events, and a new incarnation of the name has another id.
CREATE TABLE backup_sets (
    instance_id              uuid        PRIMARY KEY,
    earliest_restorable_time timestamptz,
    reported_at              timestamptz NOT NULL
);

-- The base backups kept, as the latest fact gave them, replaced together with their backup_sets row.
CREATE TABLE base_backups (
    instance_id uuid        NOT NULL REFERENCES backup_sets (instance_id) ON DELETE CASCADE,
    -- Position in the fact's list, from 1 (the oldest).
    ordinal     integer     NOT NULL CHECK (ordinal > 0),
    started_at  timestamptz NOT NULL,
    -- The earliest moment this backup can restore.
    finished_at timestamptz NOT NULL,
    size_bytes  bigint      NOT NULL,
    PRIMARY KEY (instance_id, ordinal)
);
