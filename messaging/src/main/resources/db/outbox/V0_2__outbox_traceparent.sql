-- The W3C traceparent of the span each row was written in, so the relay continues that trace when it publishes the
-- row (see dev.dbcloud.messaging.outbox.Outbox). Null for rows written outside any trace.
ALTER TABLE outbox ADD COLUMN traceparent text;
