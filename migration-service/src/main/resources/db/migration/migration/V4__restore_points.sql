-- The restore point made on an instance's server before a migration run, per operation and incarnation: a request
-- that runs again (redelivered before its outcome was recorded) reuses the point made before its first attempt.
-- created_at is the server's clock, to the microsecond.
CREATE TABLE restore_points (
    operation_id  uuid        NOT NULL,
    incarnation   uuid        NOT NULL,
    name          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (operation_id, incarnation)
);
