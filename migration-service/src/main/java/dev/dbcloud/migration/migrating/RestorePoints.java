package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.RestorePoint;
import dev.dbcloud.migration.registry.KnownInstance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The restore points made on instances' servers before migration runs ({@code pg_create_restore_point}), so that a
 * restore to one (the provisioner's {@code beforeMigration}) undoes a run: everything the run did, the database it
 * created included, comes after its point in the WAL. Only on instances that {@link KnownInstance#keepsBackups()
 * keep backups}: elsewhere no restore could reach the point.
 *
 * <p>One point per operation and incarnation, recorded in {@code restore_points}. A request that runs again
 * (redelivered after a crash, before its outcome was recorded) reuses the point made before its first attempt
 * instead of making another. PostgreSQL would take the name twice, and a restore by name stops at the first point
 * of that name, but the second point's time would then name a later state than the name does, and the provisioner
 * picks the base backup to restore from by that time. Should this service stop between making a point and recording
 * it, the next attempt makes a second point of the name; a restore by name still stops at the first, before both
 * attempts.
 */
@Repository
class RestorePoints {

    /** A point's name is this and the operation id: 51 bytes, within PostgreSQL's 63. */
    static final String PREFIX = "dbcloud-before-";

    private static final Logger log = LoggerFactory.getLogger(RestorePoints.class);

    private final JdbcClient jdbc;

    RestorePoints(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static String name(UUID operationId) {
        return PREFIX + operationId;
    }

    /**
     * The point before the operation's run on this incarnation: the one made for an earlier attempt, or a new one.
     *
     * @param server a session of the control role, a superuser on a local instance (restore points need one)
     * @throws SQLException when the server could not make the point; the run must not begin then
     */
    RestorePoint before(UUID operationId, KnownInstance instance, Connection server) throws SQLException {
        Optional<RestorePoint> made = made(operationId, instance.operationId());
        if (made.isPresent()) {
            return made.get();
        }
        RestorePoint point = make(server, name(operationId));
        log.info("Made restore point {} on {} at {}", point.getName(), instance.instance(), point.getCreatedAt());
        jdbc.sql("""
                INSERT INTO restore_points (operation_id, incarnation, name, created_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (operation_id, incarnation) DO NOTHING""")
                .params(operationId, instance.operationId(), point.getName(),
                        OffsetDateTime.ofInstant(point.getCreatedAt(), ZoneOffset.UTC))
                .update();
        // A parallel attempt (a redelivery after a rebalance) may have recorded its point first: that one counts.
        return made(operationId, instance.operationId()).orElseThrow();
    }

    private Optional<RestorePoint> made(UUID operationId, UUID incarnation) {
        return jdbc.sql("SELECT name, created_at FROM restore_points WHERE operation_id = ? AND incarnation = ?")
                .params(operationId, incarnation)
                .query((row, number) -> new RestorePoint(row.getString("name"),
                        row.getObject("created_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * Makes the point in a transaction of its own. Its time is the server's clock just before the point, so a base
     * backup that ended before that time ended before the point. The transaction takes a transaction id and commits
     * with {@code synchronous_commit} on: its commit record follows the point in the WAL and is flushed, the point
     * with it (a restore point alone is written but not flushed), so no crash of the server can lose a point once an
     * outcome names it.
     */
    private static RestorePoint make(Connection server, String name) throws SQLException {
        server.setAutoCommit(false);
        try (Statement statement = server.createStatement();
                PreparedStatement point = server.prepareStatement("SELECT pg_create_restore_point(?)")) {
            statement.execute("SET LOCAL synchronous_commit = on");
            Instant createdAt;
            try (ResultSet rows = statement.executeQuery("SELECT clock_timestamp()")) {
                rows.next();
                createdAt = rows.getObject(1, OffsetDateTime.class).toInstant();
            }
            point.setString(1, name);
            point.executeQuery().close();
            statement.executeQuery("SELECT pg_current_xact_id()").close();
            server.commit();
            server.setAutoCommit(true);
            return new RestorePoint(name, createdAt);
        } catch (SQLException e) {
            try {
                server.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }
}
