package dev.dbcloud.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Apache Kafka's own KRaft server, one node acting as broker and controller, its log under the stack's home so
 * topics, offsets and events outlive a restart. Both listeners are on the loopback interface only, and both take
 * SASL/PLAIN with one user, {@value #USER}, whose password only the home holds: another program on this machine
 * can neither read the topics nor write a command. Every acknowledged record is flushed to disk.
 */
final class LocalKafka implements AutoCloseable {

    static final String USER = "dbcloud";
    private static final String HOST = InetAddress.getLoopbackAddress().getHostAddress();

    private final KafkaRaftServer server;
    private final Map<String, String> clientProperties;

    private LocalKafka(KafkaRaftServer server, Map<String, String> clientProperties) {
        this.server = server;
        this.clientProperties = clientProperties;
    }

    /**
     * Starts the server on the log in {@code directory}, formatting it first if it is new.
     *
     * @param port the broker's port on the loopback interface; 0 for any free one
     */
    static LocalKafka start(Path directory, int port, String password) throws Exception {
        Files.createDirectories(directory);
        int brokerPort = port == 0 ? freePort() : requireFree(port);
        int controllerPort = freePort();
        Map<String, Object> properties = new HashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        properties.put("listeners", "BROKER://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        properties.put("advertised.listeners", "BROKER://" + HOST + ":" + brokerPort);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        properties.put("inter.broker.listener.name", "BROKER");
        properties.put("sasl.enabled.mechanisms", "PLAIN");
        properties.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        properties.put("sasl.mechanism.controller.protocol", "PLAIN");
        // Each listener both checks the user (user_<name>) and logs in as it, broker to controller.
        String jaas = login(password, " user_" + USER + "=\"" + password + "\"");
        properties.put("listener.name.broker.plain.sasl.jaas.config", jaas);
        properties.put("listener.name.controller.plain.sasl.jaas.config", jaas);
        properties.put("log.dirs", directory.toString());
        // One node: every internal topic has one replica.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "5");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "5");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        // As many as the services give the topics they create (dbcloud.messaging.partitions), for any a client creates.
        properties.put("num.partitions", "6");
        properties.put("group.initial.rebalance.delay.ms", "0");
        // With one replica, a record is only safe once it is on disk; the outbox deletes what Kafka acknowledged.
        properties.put("log.flush.interval.messages", "1");
        KafkaConfig config = new KafkaConfig(properties, false);

        if (!Files.exists(directory.resolve("meta.properties"))) {
            new Formatter()
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(directory.toString()))
                    .setMetadataLogDirectory(directory.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
        return new LocalKafka(server, Map.of(
                "bootstrap.servers", HOST + ":" + brokerPort,
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", login(password, "")));
    }

    String bootstrapServers() {
        return clientProperties.get("bootstrap.servers");
    }

    /** What a Kafka client needs to connect: the address and the SASL settings, password included. */
    Map<String, String> clientProperties() {
        return clientProperties;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static String login(String password, String more) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\"" + more + ";";
    }

    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("Kafka's port " + HOST + ":" + port + " is taken by another program; "
                    + "start with --kafka-port N (0 for any free port)");
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
