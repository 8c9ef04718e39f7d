package dev.dbcloud.provisioner.driver;

import dev.dbcloud.sql.ApplicationDatabases;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Runs, or reaches, the PostgreSQL server behind an instance: one implementation per {@link DriverKind}, picked
 * from {@link InstanceDrivers}. A driver owns its placement (ports, directories). Every method is idempotent:
 * called again after a crash or a redelivered command, it finishes what is missing and repeats nothing.
 *
 * <p>A driver that {@link #keepsBackups() keeps backups} archives each server's WAL continuously and takes base
 * backups on request; a restore replays them into a new instance. A driver may prepare servers ahead of demand
 * (the local driver's warm pool of running servers), handed out by {@link #placeNew} and set up for their instance by
 * {@link #provision}, started by {@link #recoverAfterCrash} and stopped by {@link #stopAll}.
 */
public interface InstanceDriver {

    /** How the provisioner's sessions show in {@code pg_stat_activity}. */
    String APPLICATION = "dbcloud-provisioner";

    DriverKind kind();

    /**
     * Where a new instance (or one that must move) goes, avoiding the ports other instances hold; empty when there
     * is no room left. Only a driver that runs servers places them.
     */
    Optional<Placement> place(UUID instanceId, Set<Integer> portsInUse);

    /**
     * Where a new instance to be provisioned goes: a server the driver made ahead of demand, when it has one that
     * none of {@code portsInUse} holds (recording the placement claims it), otherwise as {@link #place}.
     */
    default Optional<Placement> placeNew(UUID instanceId, Set<Integer> portsInUse) {
        return place(instanceId, portsInUse);
    }

    /**
     * Makes the server exist, run, and accept the admin user with the given SCRAM verifier; for a server the user
     * runs, checks that its control role logs in and may create databases.
     *
     * @throws PortTakenException when another program holds the spec's port; called again with another port, it
     *         goes on with the same data
     * @throws LinkRefusedException when a server the user runs cannot be linked, with the reason
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

    /** Stops, if so configured, every server this driver started or found running since the service started. */
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

    /**
     * Gives the role a new password, as a SCRAM-SHA-256 verifier (the password itself never reaches the
     * provisioner), logged in as the control role.
     *
     * @throws SQLException as the server reported it; {@link dev.dbcloud.sql.SqlStates#isUnreachable} tells a server
     *         that was not there
     */
    default void resetPassword(InstanceSpec spec, String role, String passwordVerifier) throws SQLException {
        try (Connection connection = controlLogin(spec).connect("postgres");
                Statement statement = connection.createStatement()) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            statement.execute("ALTER ROLE " + SqlIdentifiers.quote(role) + " PASSWORD '"
                    + pg.escapeLiteral(passwordVerifier) + "'");
        }
    }

    /**
     * Makes an application database exist, owned by {@code owner} (null: the control role), closed to PUBLIC;
     * answers its owner.
     *
     * @throws SQLException as the server reported it
     */
    default String createDatabase(InstanceSpec spec, String database, String owner) throws SQLException {
        try (Connection connection = controlLogin(spec).connect("postgres")) {
            return ApplicationDatabases.ensureExists(connection, database, owner);
        }
    }

    /** Whether the driver archives its servers' WAL and takes base backups; the other backup methods need it. */
    default boolean keepsBackups() {
        return false;
    }

    /** The instance's base backups, oldest first; empty when there are none. */
    default List<Backup> backups(InstanceSpec spec) {
        return List.of();
    }

    /**
     * Takes a base backup of a running server, online: its sessions go on meanwhile.
     *
     * @throws DriverException when the server does not run, or does not archive its WAL yet
     */
    default Backup takeBackup(InstanceSpec spec) {
        throw new UnsupportedOperationException(kind() + " instances have no backups");
    }

    /**
     * Deletes the base backups no restore of a moment from {@code keepFrom} on needs (all but the newest one that
     * ended before it), and the archived WAL only they needed; answers whether it deleted any.
     */
    default boolean pruneBackups(InstanceSpec spec, Instant keepFrom) {
        return false;
    }

    /**
     * Makes {@code target} a new server holding the state {@code source} had at {@code recoveryTarget}, from the
     * source's base backups and archived WAL, and starts it; the source runs on, untouched. The target's control
     * role gets the target spec's control password; the source's, which the restored catalog holds, logs in first.
     * Called again after a crash, it resumes a replay under way, or starts over from the backup.
     *
     * @throws RestoreRefusedException when the backups cannot reach that state; nothing of the target is left
     */
    default Restored restore(InstanceSpec source, InstanceSpec target, RecoveryTarget recoveryTarget) {
        throw new RestoreRefusedException(RestoreRefusedException.Reason.NO_BACKUPS,
                kind() + " instances have no backups");
    }

    /**
     * Whether the driver can take work now, for the provisioner's readiness: details a dashboard may show, never a
     * secret or a path. The default has nothing to check (a linked server is checked when it is linked).
     *
     * @throws DriverException when it cannot; its message says why
     */
    default Map<String, Object> readiness() {
        return Map.of();
    }
}
