package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.DatabaseCreationFailureReason;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.provisioning.ProvisionedInstance.Status;
import dev.dbcloud.sql.SqlStates;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Creating an application's database on an instance, owned by the instance's admin user (on a linked server, by
 * the control role that creates it). Application databases are isolated: PUBLIC loses its default right to
 * connect, so only the owner and the control role get in. A database that exists already is reported created.
 */
@Service
public class CreatingDatabases {

    private static final Logger log = LoggerFactory.getLogger(CreatingDatabases.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final ServerAccess access;
    private final Clock clock;

    CreatingDatabases(ProvisionedInstances instances, HandledOperations handled, ServerAccess access, Clock clock) {
        this.instances = instances;
        this.handled = handled;
        this.access = access;
        this.clock = clock;
    }

    public void create(CreateDatabaseRequested command) {
        if (handled.reEmit(UUID.fromString(command.getOperationId()))) {
            return;
        }
        Optional<ProvisionedInstance> instance = instances
                .live(new InstanceRef(command.getTenant(), command.getInstanceName()))
                .filter(live -> live.status() == Status.AVAILABLE);
        SpecificRecordBase outcome;
        if (!InstanceRules.applicationDatabaseName("database", command.getDatabase()).isEmpty()) {
            outcome = failed(command, DatabaseCreationFailureReason.INVALID_REQUEST, "not a valid application database name");
        } else if (instance.isEmpty()) {
            outcome = failed(command, DatabaseCreationFailureReason.INSTANCE_NOT_AVAILABLE,
                    "no available instance has this name");
        } else {
            outcome = create(instance.get(), command);
        }
        handled.emit(command, outcome);
    }

    /** CREATE DATABASE cannot run inside a transaction block: every statement here commits on its own. */
    private SpecificRecordBase create(ProvisionedInstance instance, CreateDatabaseRequested command) {
        String database = command.getDatabase();
        try {
            String owner = access.driver(instance).createDatabase(access.spec(instance, null), database,
                    instance.driver() == DriverKind.LOCAL ? instance.adminUsername() : null);
            log.info("Database {} is ready on {}", database, instance.instance());
            return created(command, owner);
        } catch (SQLException e) {
            log.warn("Creating database {} on {} failed with SQLSTATE {}", database, instance.instance(),
                    e.getSQLState());
            return SqlStates.isUnreachable(e)
                    ? failed(command, DatabaseCreationFailureReason.INSTANCE_NOT_AVAILABLE,
                            "the server does not accept connections (SQLSTATE " + e.getSQLState() + ")")
                    : failed(command, DatabaseCreationFailureReason.DRIVER_ERROR,
                            "the database could not be created (SQLSTATE " + e.getSQLState() + ")");
        }
    }

    private DatabaseCreated created(CreateDatabaseRequested command, String owner) {
        DatabaseCreated event = new DatabaseCreated();
        event.setDatabase(command.getDatabase());
        event.setOwner(owner);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private DatabaseCreationFailed failed(CreateDatabaseRequested command, DatabaseCreationFailureReason reason,
            String message) {
        DatabaseCreationFailed event = new DatabaseCreationFailed();
        event.setDatabase(command.getDatabase());
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
