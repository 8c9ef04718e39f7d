-- The registry keeps one row per incarnation of an instance, named by the operation that announced it (its
-- provisioning or link), so a name that is destroyed and taken again never mixes two servers' credentials.
ALTER TABLE known_instances DROP CONSTRAINT known_instances_pkey;
ALTER TABLE known_instances ADD PRIMARY KEY (operation_id);
ALTER TABLE known_instances RENAME COLUMN provisioned_at TO announced_at;
-- The role that owns the application databases and what migrations create.
ALTER TABLE known_instances RENAME COLUMN admin_username TO owner_role;
ALTER TABLE known_instances ADD COLUMN driver text NOT NULL DEFAULT 'LOCAL' CHECK (driver IN ('LOCAL', 'LINKED'));
ALTER TABLE known_instances ALTER COLUMN driver DROP DEFAULT;
-- The role this service logs in as: dbosadmin on a local instance, the role the user named on a linked one.
ALTER TABLE known_instances ADD COLUMN control_role text NOT NULL DEFAULT 'dbosadmin';
ALTER TABLE known_instances ALTER COLUMN control_role DROP DEFAULT;
CREATE INDEX known_instances_by_name ON known_instances (tenant, name, announced_at DESC);

-- Destroyed and unlinked instances. These events do not name the incarnation they end, so an ending ends every
-- incarnation of the name announced before it happened; a later incarnation of the name stays.
CREATE TABLE instance_endings (
    operation_id  uuid PRIMARY KEY,
    tenant        text        NOT NULL,
    name          text        NOT NULL,
    event_type    text        NOT NULL,
    occurred_at   timestamptz NOT NULL
);
CREATE INDEX instance_endings_by_name ON instance_endings (tenant, name, occurred_at);

-- Every MigrateRequested handled, with the outcome it emitted: a redelivered request re-emits that very record
-- and never runs again.
CREATE TABLE handled_operations (
    operation_id  uuid PRIMARY KEY,
    outcome_type  text        NOT NULL,
    outcome       bytea       NOT NULL,
    handled_at    timestamptz NOT NULL
);
