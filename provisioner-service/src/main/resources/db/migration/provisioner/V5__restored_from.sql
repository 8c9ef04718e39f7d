-- The instance a restore reads from, by its row (the operation that made it), not by its name: a restore resumed
-- after a crash must not read another instance that took the name meanwhile.
ALTER TABLE instances ADD COLUMN restored_from uuid;
