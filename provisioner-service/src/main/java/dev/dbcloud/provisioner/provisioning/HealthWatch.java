package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.messaging.outbox.Outbox;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.sql.SqlStates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Watches the servers of available local instances and reports each change of their health (a login as the
 * control role succeeds or not) as {@link InstanceHealthChanged}, under the instance's provisioning operation. A
 * server that does not answer is reported first, then handed to the {@link InstanceSupervisor}, which starts it
 * again.
 *
 * <p>Its {@link InstanceRounds rounds} run only while the supervisor runs, so servers stopped on purpose on shutdown
 * are never reported down. A destroy claims its instance (DESTROYING) before it stops the server, and a health change
 * is recorded only for an instance still AVAILABLE, so a destroy in progress is never reported down either.
 */
@Component
class HealthWatch extends InstanceRounds {

    private static final Logger log = LoggerFactory.getLogger(HealthWatch.class);

    private final ProvisionedInstances instances;
    private final ServerAccess access;
    private final HealthWatchProperties properties;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final InstanceSupervisor supervisor;

    HealthWatch(ProvisionedInstances instances, ServerAccess access, HealthWatchProperties properties,
            Outbox outbox, TransactionTemplate transactions, Clock clock, InstanceSupervisor supervisor) {
        super(instances, "instance-health-watch");
        this.supervisor = supervisor;
        this.instances = instances;
        this.access = access;
        this.properties = properties;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    Duration interval() {
        return properties.healthInterval();
    }

    @Override
    Duration stopGrace() {
        return properties.healthTimeout().multipliedBy(10);
    }

    @Override
    void visit(ProvisionedInstance instance) {
        check(instance);
    }

    private void check(ProvisionedInstance instance) {
        InstanceHealthChanged observed = observe(instance);
        if (observed.getHealth() != instance.health()) {
            transactions.executeWithoutResult(tx -> {
                if (instances.recordHealth(instance.operationId(), observed.getHealth())) {
                    outbox.append(Topics.INSTANCE_EVENTS, observed);
                    log.info("{} is {}: {}", instance.instance(), observed.getHealth(), observed.getDetail());
                }
            });
        }
        if (observed.getHealth() == InstanceHealth.UNAVAILABLE) {
            supervisor.restart(instance);
        } else {
            supervisor.recovered(instance);
        }
    }

    /**
     * Logs in as the control role, then checks the server is this instance's own (its system identifier is its
     * data directory's): a server of another program on the instance's port never counts as the instance.
     */
    private InstanceHealthChanged observe(ProvisionedInstance instance) {
        // Watched instances are local ones: one spec (one decryption of the control password) serves both calls.
        InstanceSpec spec = access.spec(instance, null);
        ServerLogin login = access.driver(instance).controlLogin(spec).withTimeouts(properties.healthTimeout());
        OptionalLong expected = access.driver(instance).systemIdentifier(spec);
        try (Connection connection = login.connect("postgres")) {
            if (expected.isPresent()) {
                try (Statement statement = connection.createStatement();
                        ResultSet identity = statement.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
                    if (!identity.next() || identity.getLong(1) != expected.getAsLong()) {
                        return changed(instance, InstanceHealth.UNAVAILABLE, foreign(instance.port()));
                    }
                } catch (SQLException notAllowed) {
                    // dbosadmin is a superuser on the instance's own server: a refusal means another server.
                    return changed(instance, InstanceHealth.UNAVAILABLE, foreign(instance.port()));
                }
            }
            return changed(instance, InstanceHealth.AVAILABLE, "the server accepts connections");
        } catch (SQLException e) {
            return changed(instance, InstanceHealth.UNAVAILABLE, why(instance.port(), e.getSQLState()));
        }
    }

    /** The way out when the instance's port is taken: a start command moves it. */
    static final String MOVE_HINT = "starting the instance (dbcloud db start) moves it to a free port";

    static String foreign(int port) {
        return "another PostgreSQL server answers on port " + port + ", not this instance's: another program holds "
                + "the instance's port; " + MOVE_HINT;
    }

    /** What a user can act on, from the SQLSTATE of the failed login; it becomes the instance's status reason. */
    static String why(int port, String sqlState) {
        String state = sqlState == null ? "none" : sqlState;
        return switch (state) {
            case SqlStates.UNABLE_TO_CONNECT, SqlStates.CONNECTION_REJECTED -> "nothing accepts connections on port " + port + "; its server is not running";
            case SqlStates.INVALID_PASSWORD, SqlStates.INVALID_AUTHORIZATION -> "the program on port " + port + " refuses dbcloud's control login (SQLSTATE "
                    + state + "): another program may hold the instance's port; " + MOVE_HINT;
            case SqlStates.CANNOT_CONNECT_NOW -> "the server on port " + port + " is starting or shutting down";
            default -> "the server on port " + port + " does not accept connections (SQLSTATE " + state + ")";
        };
    }

    private InstanceHealthChanged changed(ProvisionedInstance instance, InstanceHealth health, String detail) {
        InstanceHealthChanged event = new InstanceHealthChanged();
        event.setHealth(health);
        event.setDetail(detail);
        return EventMetadata.stamp(event, instance.operationId(), instance.instance(), clock.instant());
    }
}
