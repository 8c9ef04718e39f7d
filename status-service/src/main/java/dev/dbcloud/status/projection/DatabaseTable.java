package dev.dbcloud.status.projection;

import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import dev.dbcloud.common.EventMetadata;
import java.sql.Types;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code databases} rows: the application databases known to exist on each incarnation of an instance. Rows
 * only ever appear; {@code created_at} is the earliest occurredAt of the events that showed the database.
 *
 * <p>A database belongs to the tenant's current instance of the event's name (the one not DESTROYED) when the event
 * is projected. That is the instance the event is about: outcomes about one instance travel on one partition, in
 * order, so none about an earlier incarnation comes after that incarnation's InstanceDestroyed. When there is no
 * current instance, nothing is recorded. A restore's databases are the exception: they belong to the incarnation it
 * made.
 */
@Component
class DatabaseTable {

    private final JdbcClient jdbc;

    DatabaseTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The database was created (or found) by the control plane; the outcome names its owner. */
    void created(EventMetadata outcome, String database, String owner) {
        exists(outcome, database, owner);
    }

    /**
     * Migrations ran on the database, so it exists; the migration-service creates it, when missing, owned by the
     * instance's admin user. An owner that a DatabaseCreated named stays.
     */
    void migrated(EventMetadata outcome, String database) {
        exists(outcome, database, null);
    }

    /**
     * A restore made a new instance whose server holds these application databases, owned by its admin user as far
     * as the control plane knows. They belong to the incarnation the restore made (the row its operation keys), not to
     * whichever instance holds the name when the outcome is projected.
     */
    void restored(EventMetadata outcome, List<String> names) {
        for (String database : names) {
            jdbc.sql("""
                            INSERT INTO databases (instance_id, name, owner, created_at)
                            SELECT id, :database, admin_username, :at
                              FROM instances
                             WHERE id = :id AND status <> 'DESTROYED'
                            ON CONFLICT (instance_id, name) DO UPDATE
                                SET owner = COALESCE(databases.owner, EXCLUDED.owner),
                                    created_at = LEAST(databases.created_at, EXCLUDED.created_at)
                            """)
                    .param("database", database)
                    .param("at", timestamp(outcome.occurredAt()))
                    .param("id", outcome.operationId())
                    .update();
        }
    }

    /** @param owner the database's owner, or null for the instance's admin user unless a DatabaseCreated named one */
    private void exists(EventMetadata event, String database, String owner) {
        jdbc.sql("""
                        INSERT INTO databases (instance_id, name, owner, created_at)
                        SELECT id, :database, COALESCE(:owner, admin_username), :at
                          FROM instances
                         WHERE tenant = :tenant AND name = :instanceName AND status <> 'DESTROYED'
                        ON CONFLICT (instance_id, name) DO UPDATE
                            SET owner = COALESCE(:owner, databases.owner, EXCLUDED.owner),
                                created_at = LEAST(databases.created_at, EXCLUDED.created_at)
                        """)
                .param("database", database)
                .param("owner", owner, Types.VARCHAR)
                .param("at", timestamp(event.occurredAt()))
                .param("tenant", event.instance().tenant())
                .param("instanceName", event.instance().name())
                .update();
    }
}
