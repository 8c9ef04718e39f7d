package dev.dbcloud.provisioner.driver;

/** Which driver runs an instance's server; stored by name in the provisioner's {@code instances.driver}. */
public enum DriverKind {
    /** A PostgreSQL server process per instance, on this host, that the control plane runs. */
    LOCAL,
    /** A server the user runs; the control plane only logs in to it. */
    LINKED
}
