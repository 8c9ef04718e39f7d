-- The handled-operations record is shared with migration-service (messaging's HandledOperations); nothing ever
-- read which instance row a command acted on.
ALTER TABLE handled_operations DROP COLUMN instance_operation_id;
