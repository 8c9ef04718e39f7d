package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Credentials;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack run as a user runs it ({@code java -cp ... LocalStack --home ...}), in a JVM of its own that a
 * fault test can stop with SIGTERM or {@code kill -9}, and the calls such a test makes to it and to its servers.
 */
final class ChildStack {

    static final Duration START = Duration.ofSeconds(120);
    private static final Pattern OPERATION = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final HttpClient http = HttpClient.newHttpClient();

    private ChildStack() {
    }

    /**
     * Starts the stack on {@code home} with the given JVM options; answers once it is ready. What it prints goes to
     * this JVM's standard output too, each line marked with the stack's process id, for the test's report.
     */
    static Process start(Path home, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalStack.class.getName(),
                "--home", home.toString(), "--port", "0", "--kafka-port", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    System.out.println("[stack " + process.pid() + "] " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "local-stack-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(START).until(() -> !process.isAlive() || isReady(output));
        } catch (ConditionTimeoutException e) {
            // Told below, with what the stack printed.
        }
        boolean started = process.isAlive() && isReady(output);
        if (!started) {
            process.destroyForcibly();
        }
        assertThat(started).as("the stack started within %s; it printed:%n%s", START,
                String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()))).isTrue();
        return process;
    }

    private static boolean isReady(List<String> output) {
        return output.stream().anyMatch(line -> line.startsWith("dbcloud is ready"));
    }

    /** Kills the stack and whatever servers it left running on {@code home}, then deletes the home. */
    static void cleanUp(Process child, Path home) throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor();
        }
        for (ProcessHandle server : postgresServersOn(home)) {
            server.destroyForcibly();
        }
        PathUtils.deleteDirectory(home);
    }

    /**
     * The PostgreSQL servers (postmasters) whose command line names a directory under {@code home}, the warm pool's
     * included ({@link InstancesFolder#servers} leaves those out); not pg_ctl, nor an initdb (the warm pool makes its
     * servers in the background).
     */
    static List<ProcessHandle> postgresServersOn(Path home) {
        return ProcessHandle.allProcesses().filter(process -> {
            try {
                String commandLine = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"))
                        .replace('\0', ' ');
                return commandLine.contains("postgres") && commandLine.contains(" -D " + home)
                        && !commandLine.contains("pg_ctl") && !commandLine.contains("/initdb ");
            } catch (IOException | UncheckedIOException e) {
                return false;
            }
        }).toList();
    }

    /** Every record a topic of the stack's broker holds, from the start. */
    static List<ConsumerRecord<String, byte[]>> records(LocalStack stack, String topic) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return records;
    }

    static String operationId(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Matcher id = OPERATION.matcher(accepted.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    /** The operation once it ended (or after a minute). */
    static String finished(Credentials credentials, String operationId) throws Exception {
        return get(credentials, "/v1/operations/" + operationId + "?waitSeconds=60").body();
    }

    static HttpResponse<String> delete(Credentials credentials, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(credentials.url() + path))
                .header("Authorization", "Bearer " + credentials.apiKey()).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(Credentials credentials, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(credentials.url() + path))
                .header("Authorization", "Bearer " + credentials.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(Credentials credentials, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(credentials.url() + path))
                .header("Authorization", "Bearer " + credentials.apiKey()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
