-- A failed run reports what stayed applied too, so the stored history is the latest one reported, by a success or
-- by a failure: reported_at orders reports, succeeded_at stays the time of the latest success (null if none).
ALTER TABLE migration_histories ADD COLUMN reported_at timestamptz;
UPDATE migration_histories SET reported_at = succeeded_at;
ALTER TABLE migration_histories ALTER COLUMN reported_at SET NOT NULL;
ALTER TABLE migration_histories ALTER COLUMN succeeded_at DROP NOT NULL;
COMMENT ON COLUMN migration_histories.operation_id IS 'The outcome (MigrationSucceeded or MigrationFailed) whose history is stored.';
COMMENT ON COLUMN migration_histories.current_version IS 'The schema version that outcome reported; null if none.';
