package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.Endpoint;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.sql.ServerLogin;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Lets a test make the real local driver fail where no real fault is at hand (the tests run as root, which no
 * file permission stops): destroying an instance named in {@link #failingDestroys} fails before anything is done;
 * provisioning or restoring one named in {@link #portTakenAtProvision} finds its port taken.
 */
@TestConfiguration(proxyBeanMethods = false)
class DriverFaults {

    static final Set<String> failingDestroys = ConcurrentHashMap.newKeySet();
    /** Instances whose port another server answers on, as far as the health watch can tell. */
    static final Set<String> foreignServers = ConcurrentHashMap.newKeySet();

    /**
     * Instances whose first port another program binds right before their server starts, as a second stack on the
     * same host might; the sockets stay open until the test closes them.
     */
    static final Set<String> portTakenAtProvision = ConcurrentHashMap.newKeySet();
    static final java.util.List<java.net.ServerSocket> takenPorts = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Wraps the local driver bean, so the registry holds the wrapper as the one LOCAL driver. */
    @Bean
    static BeanPostProcessor faultInjectingLocalDriver() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof InstanceDriver local && local.kind() == DriverKind.LOCAL ? wrap(local) : bean;
            }
        };
    }

    private static InstanceDriver wrap(InstanceDriver local) {
        return new InstanceDriver() {
            @Override
            public DriverKind kind() {
                return local.kind();
            }

            @Override
            public Optional<Placement> place(UUID instanceId, Set<Integer> portsInUse) {
                return local.place(instanceId, portsInUse);
            }

            @Override
            public Endpoint provision(InstanceSpec spec) {
                takePortIfAsked(spec);
                return local.provision(spec);
            }

            @Override
            public void recoverAfterCrash() {
                local.recoverAfterCrash();
            }

            @Override
            public void ensureRunning(InstanceSpec spec) {
                local.ensureRunning(spec);
            }

            @Override
            public void stop(InstanceSpec spec) {
                local.stop(spec);
            }

            @Override
            public void stopAll() {
                local.stopAll();
            }

            @Override
            public void destroy(InstanceSpec spec) {
                if (failingDestroys.contains(spec.instance().name())) {
                    throw new DriverException("could not stop the server: injected fault");
                }
                local.destroy(spec);
            }

            @Override
            public java.util.OptionalLong systemIdentifier(InstanceSpec spec) {
                java.util.OptionalLong own = local.systemIdentifier(spec);
                return foreignServers.contains(spec.instance().name()) && own.isPresent()
                        ? java.util.OptionalLong.of(own.getAsLong() + 1) : own;
            }

            @Override
            public ServerLogin controlLogin(InstanceSpec spec) {
                return local.controlLogin(spec);
            }

            @Override
            public java.util.Map<String, Object> readiness() {
                return local.readiness();
            }

            @Override
            public boolean keepsBackups() {
                return local.keepsBackups();
            }

            @Override
            public java.util.List<dev.dbcloud.provisioner.driver.Backup> backups(InstanceSpec spec) {
                return local.backups(spec);
            }

            @Override
            public dev.dbcloud.provisioner.driver.Backup takeBackup(InstanceSpec spec) {
                return local.takeBackup(spec);
            }

            @Override
            public boolean pruneBackups(InstanceSpec spec, java.time.Instant keepFrom) {
                return local.pruneBackups(spec, keepFrom);
            }

            @Override
            public dev.dbcloud.provisioner.driver.Restored restore(InstanceSpec source, InstanceSpec target,
                    dev.dbcloud.provisioner.driver.RecoveryTarget recoveryTarget) {
                takePortIfAsked(target);
                return local.restore(source, target, recoveryTarget);
            }
        };
    }

    private static void takePortIfAsked(InstanceSpec spec) {
        if (portTakenAtProvision.remove(spec.instance().name())) {
            try {
                takenPorts.add(new java.net.ServerSocket(spec.port(), 1, java.net.InetAddress.getLoopbackAddress()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
