-- What this service knows of the instances it migrates, from dbcloud.instance-events.
-- The control password arrives, and stays, encrypted.
CREATE TABLE known_instances (
    tenant                       text        NOT NULL,
    name                         text        NOT NULL,
    operation_id                 uuid        NOT NULL,
    host_name                    text        NOT NULL,
    port                         integer     NOT NULL,
    admin_username               text        NOT NULL,
    control_password_ciphertext  bytea       NOT NULL,
    provisioned_at               timestamptz NOT NULL,
    PRIMARY KEY (tenant, name)
);
