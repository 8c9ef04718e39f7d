-- Why an instance is UNAVAILABLE, as its health check last reported it ("nothing accepts connections on port
-- 15432", say); shown only while it is UNAVAILABLE.
ALTER TABLE instances ADD COLUMN status_reason text;
