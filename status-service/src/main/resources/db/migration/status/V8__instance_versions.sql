-- The version of the current incarnation of each instance, which the gateway checks before it answers reads of it
-- from memory (status-service's ETag): the id of the last record projected about the tenant's instance of that name
-- while it was the current one. Null on rows projected before this column existed, until their next record.
ALTER TABLE instances ADD COLUMN last_event_id uuid;
