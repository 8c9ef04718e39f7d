-- The handled-operations record is shared with the provisioner (messaging's HandledOperations): it names the
-- command's type too. Rows from before say nothing of it.
ALTER TABLE handled_operations ADD COLUMN command text;
