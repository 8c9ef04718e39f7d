-- Destroying, linked servers, health, and the outcomes of the commands handled.

ALTER TABLE instances DROP CONSTRAINT instances_status_check;
ALTER TABLE instances ADD CONSTRAINT instances_status_check
    CHECK (status IN ('PROVISIONING', 'AVAILABLE', 'FAILED', 'DESTROYING', 'DESTROYED'));
ALTER TABLE instances ADD CONSTRAINT instances_driver_check CHECK (driver IN ('LOCAL', 'LINKED'));

-- A linked server's data lives on the user's server, not here.
ALTER TABLE instances ALTER COLUMN data_directory DROP NOT NULL;

-- The destroy (or unlink) operation that began ending this row; it never ends another one.
ALTER TABLE instances ADD COLUMN destroyed_by uuid;
CREATE UNIQUE INDEX instances_destroyed_by ON instances (destroyed_by);

-- The health last reported for the server of an available local instance.
ALTER TABLE instances ADD COLUMN health text CHECK (health IN ('AVAILABLE', 'UNAVAILABLE'));
UPDATE instances SET health = 'AVAILABLE' WHERE status = 'AVAILABLE' AND driver = 'LOCAL';

-- Ports come from the local range for local instances only; a linked server listens wherever the user runs it.
DROP INDEX instances_live_port;
CREATE UNIQUE INDEX instances_live_local_port ON instances (port) WHERE status <> 'DESTROYED' AND driver = 'LOCAL';

-- Every instance command handled, with the outcome it emitted (a provisioning that got a row has that row as its
-- record instead), so a redelivered command re-emits that outcome rather than acting on whatever holds the name now.
CREATE TABLE handled_operations (
    operation_id           uuid PRIMARY KEY,
    command                text        NOT NULL,
    -- the instance row (by its provisioning or link operation) the command acted on, if any
    instance_operation_id  uuid,
    outcome_type           text        NOT NULL,
    outcome                bytea       NOT NULL,
    handled_at             timestamptz NOT NULL
);
