-- A local instance can be stopped on purpose (dbcloud db stop): its data and port stay, and neither the
-- supervisor nor the health watch starts or checks its server until a start command.
ALTER TABLE instances DROP CONSTRAINT instances_status_check;
ALTER TABLE instances ADD CONSTRAINT instances_status_check
    CHECK (status IN ('PROVISIONING', 'AVAILABLE', 'STOPPED', 'FAILED', 'DESTROYING', 'DESTROYED'));
