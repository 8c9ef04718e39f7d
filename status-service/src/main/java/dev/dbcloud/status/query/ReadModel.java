package dev.dbcloud.status.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads what the projection wrote; every query is scoped to one tenant. */
@Component
class ReadModel {

    private static final String INSTANCE_COLUMNS =
            "name, host_name, port, status, CASE WHEN status = 'UNAVAILABLE' THEN status_reason END AS status_reason, "
                    + "admin_username, driver, created_at, updated_at, restored_from, restored_to, last_event_id";
    private static final String OPERATION_COLUMNS =
            "id, type, instance_name, status, error_code, error_message, created_at, updated_at, restore_point_name, "
                    + "restore_point_created_at";

    private final JdbcClient jdbc;
    /** For answers read by several queries: one snapshot, so they never mix two states of the read model. */
    private final TransactionTemplate snapshot;
    private final Clock clock;

    ReadModel(JdbcClient jdbc, PlatformTransactionManager transactionManager, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.snapshot = new TransactionTemplate(transactionManager);
        this.snapshot.setReadOnly(true);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** A page of the tenant's instances that are not destroyed, by name (unique among them); the cursor is the name. */
    Page<Instance> instances(String tenant, PageRequest page) {
        List<Instance> rows = jdbc.sql("SELECT " + INSTANCE_COLUMNS
                        + " FROM instances WHERE tenant = :tenant AND status <> 'DESTROYED'"
                        + (page.isFirst() ? "" : " AND name > :after")
                        + " ORDER BY name LIMIT :rows")
                .param("tenant", tenant)
                .params(page.isFirst() ? Map.of() : Map.of("after", page.text(0)))
                .param("rows", page.rowsToRead())
                .query(ReadModel::instance)
                .list();
        return Page.of(rows, page, instance -> PageRequest.cursor(instance.name()));
    }

    /** The tenant's current instance of that name: the one not destroyed. */
    Optional<Instance> instance(String tenant, String name) {
        return jdbc.sql("SELECT " + INSTANCE_COLUMNS + """
                         FROM instances WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED'
                        """)
                .param("tenant", tenant)
                .param("name", name)
                .query(ReadModel::instance)
                .optional();
    }

    Optional<Operation> operation(String tenant, UUID id) {
        return jdbc.sql("SELECT " + OPERATION_COLUMNS + " FROM operations WHERE tenant = :tenant AND id = :id")
                .param("tenant", tenant)
                .param("id", id)
                .query(ReadModel::operation)
                .optional();
    }

    /** The tenant's operations among {@code ids}, in no order. */
    List<Operation> operations(String tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + OPERATION_COLUMNS + " FROM operations WHERE tenant = :tenant AND id IN (:ids)")
                .param("tenant", tenant)
                .param("ids", ids)
                .query(ReadModel::operation)
                .list();
    }

    /**
     * A page of the operations on the tenant's current instance of that name, newest first (by request time, then
     * id, which never change): those requested since it was provisioned (or linked), which leaves out those of
     * earlier, destroyed instances that had the same name. The cursor is the creation time and id.
     *
     * @return empty when there is no current instance of that name
     */
    Optional<Page<Operation>> operations(String tenant, String instanceName, PageRequest page) {
        return current(tenant, instanceName).map(incarnation -> Page.of(jdbc.sql("SELECT " + OPERATION_COLUMNS
                        + " FROM operations WHERE tenant = :tenant AND instance_name = :name AND created_at >= :since"
                        + (page.isFirst() ? "" : " AND (created_at, id) < (:afterTime, :afterId)")
                        + " ORDER BY created_at DESC, id DESC LIMIT :rows")
                .param("tenant", tenant)
                .param("name", instanceName)
                .param("since", incarnation.createdAt())
                .params(page.isFirst() ? Map.of()
                        : Map.of("afterTime", page.time(0), "afterId", page.uuid(1)))
                .param("rows", page.rowsToRead())
                .query(ReadModel::operation)
                .list(), page, operation -> PageRequest.cursor(operation.createdAt(), operation.id())));
    }

    /**
     * A page of the application databases of the tenant's current instance of that name, by name (unique on an
     * instance); the cursor is the name.
     *
     * @return empty when there is no current instance of that name
     */
    Optional<Page<AppDatabase>> databases(String tenant, String instanceName, PageRequest page) {
        return current(tenant, instanceName).map(incarnation -> Page.of(jdbc.sql(
                        "SELECT name, owner, created_at FROM databases WHERE instance_id = :id"
                        + (page.isFirst() ? "" : " AND name > :after")
                        + " ORDER BY name LIMIT :rows")
                .param("id", incarnation.id())
                .params(page.isFirst() ? Map.of() : Map.of("after", page.text(0)))
                .param("rows", page.rowsToRead())
                .query((row, number) -> new AppDatabase(
                        row.getString("name"), row.getString("owner"), instant(row, "created_at")))
                .list(), page, database -> PageRequest.cursor(database.name())));
    }

    /**
     * What is known of one database's migrations on an incarnation of an instance, with one page of its applied
     * migrations (oldest first; the cursor is the last one's place in the history).
     *
     * @return empty when nothing is known of that database there: it was neither shown to exist, nor migrated, nor
     *     did a migration of it fail
     */
    Optional<MigrationHistory> migrations(Incarnation instance, String database, PageRequest page) {
        return snapshot.execute(status -> {
            Optional<MigrationHistory.Failure> lastFailure = lastMigrationFailure(instance, database);
            Optional<LatestReport> latestReport = jdbc.sql("""
                            SELECT current_version, succeeded_at FROM migration_histories
                             WHERE instance_id = :id AND database = :database
                            """)
                    .param("id", instance.id())
                    .param("database", database)
                    .query((row, number) -> new LatestReport(row.getString("current_version"),
                            row.getObject("succeeded_at") == null ? null : instant(row, "succeeded_at")))
                    .optional();
            if (latestReport.isEmpty() && lastFailure.isEmpty() && !databaseExists(instance, database)) {
                return Optional.empty();
            }
            Page<OrderedMigration> applied = latestReport.isPresent()
                    ? appliedMigrations(instance, database, page) : new Page<>(List.of(), null);
            return Optional.of(new MigrationHistory(database,
                    latestReport.map(LatestReport::currentVersion).orElse(null),
                    latestReport.map(LatestReport::succeededAt).orElse(null),
                    applied.items().stream().map(OrderedMigration::migration).toList(),
                    applied.next(),
                    lastFailure.orElse(null),
                    restorePoints(instance, database)));
        });
    }

    /** The restore points made before the runs on the database, newest first: those of the incarnation's operations. */
    private List<MigrationHistory.RestorePoint> restorePoints(Incarnation instance, String database) {
        return jdbc.sql("""
                        SELECT o.id, o.restore_point_name, o.restore_point_created_at
                          FROM operations o JOIN instances i ON i.tenant = o.tenant AND i.name = o.instance_name
                         WHERE i.id = :id AND o.created_at >= i.created_at AND o.type = 'MIGRATE'
                           AND o.database = :database AND o.restore_point_name IS NOT NULL
                         ORDER BY o.restore_point_created_at DESC, o.id
                        """)
                .param("id", instance.id())
                .param("database", database)
                .query((row, number) -> new MigrationHistory.RestorePoint(
                        row.getObject("id", UUID.class),
                        row.getString("restore_point_name"),
                        instant(row, "restore_point_created_at")))
                .list();
    }

    /**
     * The backups of the tenant's current instance of that name and the window a restore of it can reach, which ends
     * now (by this service's clock) once there is a base backup.
     *
     * @return empty when there is no current instance of that name
     */
    Optional<Backups> backups(String tenant, String instanceName) {
        return snapshot.execute(status -> current(tenant, instanceName).map(incarnation -> {
            Instant earliest = jdbc.sql("SELECT earliest_restorable_time FROM backup_sets WHERE instance_id = :id")
                    .param("id", incarnation.id())
                    .query((row, number) -> nullableInstant(row, "earliest_restorable_time"))
                    .optional()
                    .orElse(null);
            List<Backups.BaseBackup> backups = jdbc.sql("""
                            SELECT started_at, finished_at, size_bytes FROM base_backups
                             WHERE instance_id = :id ORDER BY ordinal
                            """)
                    .param("id", incarnation.id())
                    .query((row, number) -> new Backups.BaseBackup(
                            instant(row, "started_at"), instant(row, "finished_at"), row.getLong("size_bytes")))
                    .list();
            Instant latest = earliest == null ? null : clock.instant().truncatedTo(ChronoUnit.MICROS);
            return new Backups(instanceName, earliest, latest, backups);
        }));
    }

    private Page<OrderedMigration> appliedMigrations(Incarnation instance, String database, PageRequest page) {
        return Page.of(jdbc.sql("SELECT ordinal, version, description, checksum, applied_at, duration_millis"
                        + " FROM applied_migrations WHERE instance_id = :id AND database = :database"
                        + (page.isFirst() ? "" : " AND ordinal > :after")
                        + " ORDER BY ordinal LIMIT :rows")
                .param("id", instance.id())
                .param("database", database)
                .params(page.isFirst() ? Map.of() : Map.of("after", page.number(0)))
                .param("rows", page.rowsToRead())
                .query((row, number) -> new OrderedMigration(row.getLong("ordinal"), new MigrationHistory.Applied(
                        row.getString("version"),
                        row.getString("description"),
                        row.getObject("checksum", Integer.class),
                        instant(row, "applied_at"),
                        row.getLong("duration_millis"))))
                .list(), page, applied -> PageRequest.cursor(applied.ordinal()));
    }

    private Optional<MigrationHistory.Failure> lastMigrationFailure(Incarnation instance, String database) {
        return jdbc.sql("""
                        SELECT operation_id, failed_version, reason, sql_state, message, occurred_at
                          FROM migration_failures WHERE instance_id = :id AND database = :database
                        """)
                .param("id", instance.id())
                .param("database", database)
                .query((row, number) -> new MigrationHistory.Failure(
                        row.getObject("operation_id", UUID.class),
                        row.getString("failed_version"),
                        row.getString("reason"),
                        row.getString("sql_state"),
                        row.getString("message"),
                        instant(row, "occurred_at")))
                .optional();
    }

    private boolean databaseExists(Incarnation instance, String database) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM databases WHERE instance_id = :id AND name = :database)")
                .param("id", instance.id())
                .param("database", database)
                .query(Boolean.class)
                .single();
    }

    /** The tenant's current instance of that name: the one not destroyed. */
    Optional<Incarnation> current(String tenant, String name) {
        return jdbc.sql("""
                        SELECT id, created_at FROM instances
                         WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED'
                        """)
                .param("tenant", tenant)
                .param("name", name)
                .query((row, number) -> new Incarnation(
                        row.getObject("id", UUID.class), row.getObject("created_at", OffsetDateTime.class)))
                .optional();
    }

    private static Instance instance(ResultSet row, int number) throws SQLException {
        return new Instance(
                row.getString("name"),
                row.getString("host_name"),
                row.getObject("port", Integer.class),
                row.getString("status"),
                row.getString("status_reason"),
                row.getString("admin_username"),
                row.getString("driver"),
                instant(row, "created_at"),
                instant(row, "updated_at"),
                row.getString("restored_from") == null ? null : new Instance.RestoredFrom(
                        row.getString("restored_from"), nullableInstant(row, "restored_to")),
                row.getObject("last_event_id", UUID.class));
    }

    private static Operation operation(ResultSet row, int number) throws SQLException {
        String errorCode = row.getString("error_code");
        String restorePoint = row.getString("restore_point_name");
        return new Operation(
                row.getObject("id", UUID.class),
                row.getString("type"),
                row.getString("instance_name"),
                row.getString("status"),
                errorCode == null ? null : new Operation.Failure(errorCode, row.getString("error_message")),
                instant(row, "created_at"),
                instant(row, "updated_at"),
                restorePoint == null ? null
                        : new Operation.RestorePoint(restorePoint, instant(row, "restore_point_created_at")));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Instant nullableInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** An applied migration and its place in the history, which pages of the history are read by. */
    private record OrderedMigration(long ordinal, MigrationHistory.Applied migration) {
    }

    /** One instance's row, which its databases belong to, and since when it exists. */
    record Incarnation(UUID id, OffsetDateTime createdAt) {
    }

    /**
     * The latest history report stored for a database: its schema version then, and the time of the latest success
     * (null if none succeeded: a failure reported what stayed applied).
     */
    private record LatestReport(String currentVersion, Instant succeededAt) {
    }
}
