package dev.dbcloud.provisioner.driver;

import dev.dbcloud.sql.ServerLogin;
import java.util.OptionalLong;

/**
 * Runs the PostgreSQL server behind an instance. Every method is idempotent: called again after a crash or a
 * redelivered command, it finishes what is missing and repeats nothing.
 */
public interface InstanceDriver {

    /** How the provisioner's sessions show in {@code pg_stat_activity}. */
    String APPLICATION = "dbcloud-provisioner";

    /**
     * Makes the server exist, run, and accept the admin user with the given SCRAM verifier.
     *
     * @throws PortTakenException when another program holds the spec's port; called again with another port, it
     *         goes on with the same data
     */
    Endpoint provision(InstanceSpec spec);

    /**
     * Clears what a crash of this service left half done (temporary files, half-made directories), before any
     * command is carried out; servers left running are adopted by {@link #ensureRunning}.
     */
    void recoverAfterCrash();

    /**
     * Starts the server of an instance that should run, if it does not, on the spec's port (which may differ from
     * the port it had before).
     *
     * @throws PortTakenException when the server is not running and another program holds that port
     */
    void ensureRunning(InstanceSpec spec);

    /** Stops the server, if it runs; its data stays. */
    void stop(InstanceSpec spec);

    /** Stops every server this driver started or found running since the service started. */
    void stopAll();

    /**
     * Stops the server (fast shutdown: sessions are cut, nothing is flushed for them) and deletes its data,
     * whatever of it exists. The data is deleted only once the server is known to be stopped.
     */
    void destroy(InstanceSpec spec);

    /**
     * The identity of the server that should answer for the instance (the system identifier initdb chose), so a
     * health check can tell it from another server on its port; empty when the driver cannot tell.
     */
    OptionalLong systemIdentifier(InstanceSpec spec);

    /** How the control plane logs in to the server: as its control role, over TCP. */
    ServerLogin controlLogin(InstanceSpec spec);
}
