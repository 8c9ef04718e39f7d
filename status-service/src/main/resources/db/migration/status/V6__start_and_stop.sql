-- Instances can be stopped and started on request: STOPPED is a state of its own, and START and STOP are
-- operations.
ALTER TABLE instances DROP CONSTRAINT instances_status_check;
ALTER TABLE instances ADD CONSTRAINT instances_status_check
    CHECK (status IN ('PROVISIONING', 'AVAILABLE', 'UNAVAILABLE', 'STOPPED', 'FAILED', 'DESTROYING', 'DESTROYED'));

ALTER TABLE operations DROP CONSTRAINT operations_type_check;
ALTER TABLE operations ADD CONSTRAINT operations_type_check
    CHECK (type IN ('PROVISION', 'DESTROY', 'PASSWORD_RESET', 'LINK', 'UNLINK', 'MIGRATE', 'CREATE_DATABASE',
                    'START', 'STOP'));
