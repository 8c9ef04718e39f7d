package dev.dbcloud.common;

import java.util.List;

/**
 * Kafka topic names and consumer group ids: the one place they are spelled.
 *
 * <p>Every record key is {@link InstanceRef#key()} ({@code tenant/instanceName}), so all records about one
 * instance stay in order on one partition.
 */
public final class Topics {

    /**
     * ProvisionRequested, DestroyRequested, PasswordResetRequested, LinkRequested, UnlinkRequested,
     * CreateDatabaseRequested, StopRequested, StartRequested, RestoreRequested.
     */
    public static final String INSTANCE_COMMANDS = "dbcloud.instance-commands";

    /** MigrateRequested. */
    public static final String MIGRATION_COMMANDS = "dbcloud.migration-commands";

    /** Every outcome and fact about instances; other systems consume it too. */
    public static final String INSTANCE_EVENTS = "dbcloud.instance-events";

    /**
     * Suffix of the dead-letter topic of each topic; created with as many partitions as its source, and written by
     * record key, so that a dead-letter topic made otherwise (a consumer's subscription) takes its records too.
     */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    /** Header naming the record type (the Avro record's simple name), for consumers that do not decode. */
    public static final String EVENT_TYPE_HEADER = "dbcloud-event-type";

    public static final List<String> ALL = List.of(INSTANCE_COMMANDS, MIGRATION_COMMANDS, INSTANCE_EVENTS);

    /** Consumer group ids, one per service. */
    public static final class Groups {
        public static final String PROVISIONER = "provisioner-service";
        public static final String MIGRATION = "migration-service";
        public static final String STATUS = "status-service";
        /** The gateway follows outcomes to release the names of destroyed and unlinked instances. */
        public static final String GATEWAY = "api-gateway";

        private Groups() {
        }
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    private Topics() {
    }
}
