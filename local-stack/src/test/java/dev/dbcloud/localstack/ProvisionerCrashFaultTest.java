package dev.dbcloud.localstack;

import static dev.dbcloud.localstack.ChildStack.finished;
import static dev.dbcloud.localstack.ChildStack.get;
import static dev.dbcloud.localstack.ChildStack.operationId;
import static dev.dbcloud.localstack.ChildStack.post;
import static dev.dbcloud.localstack.ChildStack.postgresServersOn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.common.Credentials;
import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provisioner killed (the whole stack, as {@code kill -9} would) right after each step of provisioning an
 * instance: after initdb, after the server started, after the admin role, and after the outcome was committed but
 * before it was published. Each next start carries the cut-off provisioning to its end, and the end state, read
 * from the real servers, the data directories and the broker, is one server, one data directory and one
 * {@code InstanceProvisioned} per instance, and no orphan (nor any of the warm pool's servers a killed run left
 * unclaimed).
 */
@Tag("faults")
class ProvisionerCrashFaultTest {

    private static final String PASSWORD = "step-Pr00f-pass";
    private static final EventCodec codec = new EventCodec();

    private Path home;
    private Process child;

    @BeforeEach
    void home() throws IOException {
        home = Files.createTempDirectory("dbcloud-steps-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        ChildStack.cleanUp(child, home);
    }

    @Test
    void aProvisioningCutOffAtAnyStepEndsWithOneServerOneDirectoryAndOneOutcome() throws Exception {
        Map<String, String> operations = new LinkedHashMap<>();
        List<Path> leftInPools = new ArrayList<>();
        for (Step step : EnumSet.range(Step.DATA_DIRECTORY_CREATED, Step.OUTCOME_RECORDED)) {
            // Each run also finishes the provisioning the run before it left.
            String name = "step" + step.ordinal();
            child = ChildStack.start(home, "-D" + HaltAtProvisioningStep.PROPERTY + "=" + step + ":" + name);
            Credentials credentials = Credentials.read(home.resolve(Credentials.FILE_NAME));
            operations.put(name, operationId(post(credentials, "/v1/instances",
                    "{\"name\":\"" + name + "\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}")));
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("halted after %s", step).isTrue();
            assertThat(child.exitValue()).as("halted after %s", step).isEqualTo(HaltAtProvisioningStep.HALTED);
            leftInPools.addAll(InstancesFolder.pooled(home));
        }

        try (LocalStack stack = LocalStack.start(home, 0)) {
            Credentials credentials = stack.credentials();
            List<Integer> ports = new ArrayList<>();
            for (var provisioning : operations.entrySet()) {
                assertThat(finished(credentials, provisioning.getValue())).as(provisioning.getKey())
                        .contains("\"status\":\"SUCCEEDED\"");
                String instance = get(credentials, "/v1/instances/" + provisioning.getKey()).body();
                int port = Integer.parseInt(instance.replaceAll(".*\"port\":(\\d+).*", "$1"));
                ports.add(port);
                try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port + "/postgres", "carol", PASSWORD)) {
                    assertThat(connection.isValid(5)).as(provisioning.getKey()).isTrue();
                }
            }
            // A provisioned instance's directory is the pooled server's it was placed on, not named by its operation:
            // the directories are told by the ports their servers listen on.
            assertThat(InstancesFolder.dataDirectories(home)).as("one data directory per instance, and nothing half made")
                    .hasSize(operations.size()).allMatch(InstancesFolder::isWhole);
            assertThat(InstancesFolder.listeningPorts(home).values()).as("each instance's server, in its data directory")
                    .containsExactlyInAnyOrderElementsOf(ports);
            assertThat(InstancesFolder.servers(home)).as("the control plane's server and one per instance")
                    .hasSize(1 + operations.size());
            // Nobody knows their control passwords any more: each start discards what the run before left unclaimed.
            assertThat(leftInPools).as("the halted runs' pooled servers, each discarded or claimed since")
                    .noneMatch(directory -> Files.exists(directory.resolve(InstancesFolder.PASSWORD_PENDING)));
            // A redelivered command re-emits the very record it emitted first: one event id per provisioning.
            Map<String, Set<UUID>> provisioned = ChildStack.records(stack, Topics.INSTANCE_EVENTS).stream()
                    .map(record -> codec.decode(record.value()))
                    .filter(InstanceProvisioned.class::isInstance)
                    .map(EventMetadata::of)
                    .collect(Collectors.groupingBy(event -> event.operationId().toString(),
                            Collectors.mapping(EventMetadata::eventId, Collectors.toSet())));
            for (String operation : operations.values()) {
                assertThat(provisioned.get(operation)).as("InstanceProvisioned of %s", operation).hasSize(1);
            }
        }
        assertThat(postgresServersOn(home)).as("servers left after close").isEmpty();
    }
}
