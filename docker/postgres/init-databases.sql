-- The control plane's databases, one per service (each service's Flyway owns its schema). The entrypoint of the
-- postgres image runs this once, as POSTGRES_USER, when the data directory is first created.
CREATE DATABASE dbcloud_gateway;
CREATE DATABASE dbcloud_provisioner;
CREATE DATABASE dbcloud_migration;
CREATE DATABASE dbcloud_status;
