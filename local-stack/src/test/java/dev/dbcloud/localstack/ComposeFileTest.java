package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Docker Compose deployment (docker-compose.yml at the repository root), checked without Docker, which this
 * build cannot run: every service is configured only through what its own {@code <service>.yml} reads, its secrets
 * come as files, it answers its health check where the check asks, its image runs as a user other than root, and
 * only the gateway is reachable from outside.
 */
class ComposeFileTest {

    /**
     * Variables a service may be given that its yml does not name, because Spring Boot or the JVM read them
     * themselves: SPRING_CONFIG_IMPORT adds the secrets directory as a config tree; JAVA_TOOL_OPTIONS tunes the JVM
     * of one deployment (heap, diagnostics) without a new image.
     */
    private static final Set<String> READ_BY_SPRING_OR_THE_JVM = Set.of("SPRING_CONFIG_IMPORT", "JAVA_TOOL_OPTIONS");
    private static final String SECRETS = "/run/secrets/";
    private static final String CONFIG_TREE = "configtree:" + SECRETS;
    private static final String READINESS = "/actuator/health/readiness";
    private static final String HEALTH = "/actuator/health";
    private static final String GATEWAY = "api-gateway";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)");
    /** A yml value that is one placeholder: its variable, and the default after the first colon. */
    private static final Pattern VARIABLE = Pattern.compile("^\\$\\{([A-Za-z0-9_]+)(?::(.*))?}$", Pattern.DOTALL);
    /** A URL of the container itself: its port, then its path. */
    private static final Pattern LOCAL_URL =
            Pattern.compile("http://(?:127\\.0\\.0\\.1|localhost):([^/\"\\s]+)(/[^\"\\s|;]*)");
    private static final Pattern SECRET_NAME = Pattern.compile("PASSWORD|_KEY|TOKEN|SECRET");

    private static Path root;
    private static Map<String, Object> compose;
    /** The services built from this repository (the dbcloud services), by compose name. */
    private static Map<String, BuiltService> built;

    @BeforeAll
    static void readComposeFile() throws IOException {
        root = Path.of("..").toAbsolutePath().normalize();
        compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        built = new LinkedHashMap<>();
        services().forEach((name, definition) -> {
            if (definition.containsKey("build")) {
                built.put(name, BuiltService.of(name, definition));
            }
        });
    }

    @Test
    void buildsEveryServiceFromItsOwnModule() {
        assertThat(built.keySet()).containsExactlyInAnyOrder(GATEWAY, "provisioner-service", "migration-service",
                "status-service");
        built.values().forEach(service -> {
            assertThat(service.module()).as(service.name()).isEqualTo(service.name());
            assertThat(service.configuration()).as(service.name() + "'s configuration").isRegularFile();
        });
    }

    @Test
    void everyBuildContextAndDockerfileExists() {
        services().forEach((name, definition) -> {
            if (definition.get("build") instanceof Map<?, ?> build) {
                Path context = root.resolve(String.valueOf(build.get("context"))).normalize();
                assertThat(context).as(name + "'s build context").isDirectory();
                assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).as(name + "'s Dockerfile")
                        .isRegularFile();
            } else if (definition.containsKey("build")) {
                assertThat(root.resolve(String.valueOf(definition.get("build"))).resolve("Dockerfile"))
                        .as(name + "'s Dockerfile").isRegularFile();
            }
        });
    }

    @Test
    void everyVariableSetOnAServiceIsOneItsConfigurationReads() {
        built.values().forEach(service -> {
            Set<String> read = service.readVariables();
            Set<String> unread = service.environment().keySet().stream()
                    .filter(variable -> !read.contains(variable) && !READ_BY_SPRING_OR_THE_JVM.contains(variable))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(unread).as("variables set on %s that %s does not read", service.name(), service.configuration())
                    .isEmpty();
        });
    }

    @Test
    void everySecretAServiceMountsIsOneItReads() {
        built.values().forEach(service -> service.secretFiles().forEach(file -> {
            boolean readByPath = service.environment().containsValue(SECRETS + file);
            if (!readByPath) {
                // A file of the config tree is a property named after it, which a placeholder reads; relaxed
                // binding (SPRING_DATASOURCE_PASSWORD for spring.datasource.password) is for the environment only.
                assertThat(service.placeholders()).as("%s's secret %s", service.name(), file).contains(file);
                assertThat(service.environment().get("SPRING_CONFIG_IMPORT"))
                        .as("%s reads its secrets as a config tree", service.name()).contains(CONFIG_TREE);
            }
        }));
    }

    @Test
    void noSecretIsPassedInTheEnvironment() {
        services().forEach((name, definition) -> environment(definition).keySet().forEach(variable ->
                assertThat(SECRET_NAME.matcher(variable).find() && !variable.endsWith("_FILE"))
                        .as("%s is given %s in its environment, where docker inspect shows it: make it a secret",
                                name, variable)
                        .isFalse()));
    }

    @Test
    void everySecretAndVolumeAServiceNamesIsDeclared() {
        Map<String, Object> secrets = map(compose.get("secrets"));
        Map<String, Object> volumes = map(compose.get("volumes"));
        services().forEach((name, definition) -> {
            for (Object secret : list(definition.get("secrets"))) {
                String source = secret instanceof Map<?, ?> longForm ? String.valueOf(longForm.get("source"))
                        : String.valueOf(secret);
                assertThat(secrets).as("%s's secret %s", name, source).containsKey(source);
            }
            for (Object volume : list(definition.get("volumes"))) {
                String source = volume instanceof Map<?, ?> longForm ? String.valueOf(longForm.get("source"))
                        : String.valueOf(volume).split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(root.resolve(source).normalize()).as("%s mounts %s", name, source).exists();
                } else {
                    assertThat(volumes).as("%s's volume %s", name, source).containsKey(source);
                }
            }
        });
    }

    @Test
    void secretFilesStayOutOfGitAndOutOfImages() throws IOException {
        Set<Path> directories = map(compose.get("secrets")).values().stream()
                .map(secret -> root.resolve(String.valueOf(map(secret).get("file"))).normalize().getParent())
                .collect(Collectors.toSet());
        assertThat(directories).containsExactly(root.resolve("docker/secrets"));
        assertThat(Files.readAllLines(root.resolve("docker/secrets/.gitignore"))).contains("*", "!.gitignore");
        assertThat(Files.readAllLines(root.resolve(".dockerignore"))).contains("docker/secrets/", ".git");
    }

    @Test
    void onlyTheGatewayPublishesPortsAndItPublishesTheOneItListensOn() {
        services().forEach((name, definition) -> assertThat(definition.containsKey("ports"))
                .as("%s publishes ports", name).isEqualTo(name.equals(GATEWAY)));
        BuiltService gateway = built.get(GATEWAY);
        List<String> published = list(gateway.definition().get("ports")).stream().map(port -> {
            String text = port instanceof Map<?, ?> longForm
                    ? String.valueOf(longForm.get("target")) : String.valueOf(port);
            return text.substring(text.lastIndexOf(':') + 1).replace("/tcp", "");
        }).toList();
        assertThat(published).containsExactly(gateway.property("server.port"));
    }

    @Test
    void servicesListenOnTheContainersNetworkNotOnLoopback() {
        built.values().forEach(service -> {
            assertThat(service.property("server.address")).as(service.name()).isEqualTo("0.0.0.0");
            assertThat(service.property("management.server.address")).as(service.name()).isEqualTo("0.0.0.0");
        });
    }

    @Test
    void eachHealthcheckAsksTheReadinessProbeOnTheManagementPort() {
        built.values().forEach(service -> {
            Object test = map(service.definition().get("healthcheck")).get("test");
            String command = test instanceof List<?> parts
                    ? parts.stream().map(String::valueOf).collect(Collectors.joining(" ")) : String.valueOf(test);
            Matcher url = LOCAL_URL.matcher(command);
            assertThat(url.find()).as("%s's health check %s asks its own management port", service.name(), command)
                    .isTrue();
            assertThat(url.group(1)).as(service.name()).isEqualTo(service.property("management.server.port"));
            assertThat(url.group(2)).as(service.name()).isEqualTo(READINESS);
            assertProbeExists(service, url.group(2));
        });
    }

    @Test
    void eachDockerfileBuildsItsModuleRunsAsAnotherUserThanRootAndChecksReadiness() throws IOException {
        for (BuiltService service : built.values()) {
            List<String> instructions = dockerfileInstructions(service.dockerfile());
            String name = service.name();
            assertThat(instructions).as("%s's Dockerfile builds its module and what it needs", name)
                    .anyMatch(line -> line.startsWith("RUN ") && line.contains("-pl " + service.module() + " -am"));
            List<String> users = instructions.stream().filter(line -> line.startsWith("USER ")).toList();
            assertThat(users).as("%s's Dockerfile sets a user", name).isNotEmpty();
            String user = users.get(users.size() - 1).substring("USER ".length()).strip().split(":")[0];
            assertThat(user).as("%s's image runs as", name).isNotIn("root", "0");

            List<String> healthchecks = instructions.stream().filter(line -> line.startsWith("HEALTHCHECK ")).toList();
            assertThat(healthchecks).as("%s's Dockerfile has one HEALTHCHECK", name).hasSize(1);
            String healthcheck = healthchecks.get(0);
            Matcher url = LOCAL_URL.matcher(healthcheck);
            assertThat(url.find()).as("%s's HEALTHCHECK %s", name, healthcheck).isTrue();
            // The image alone, with no compose file: the port as the service reads it, and the same default.
            Matcher port = VARIABLE.matcher(String.valueOf(service.yml("management.server.port")));
            assertThat(port.matches()).isTrue();
            assertThat(url.group(1)).as("%s's HEALTHCHECK port", name)
                    .isEqualTo("${" + port.group(1) + ":-" + port.group(2) + "}");
            assertThat(url.group(2)).as(name).isEqualTo(READINESS);
            assertProbeExists(service, url.group(2));
        }
    }

    @Test
    void addressesNameServicesOfTheComposeFileOnTheirPorts() throws IOException {
        String databases = Files.readString(root.resolve("docker/postgres/init-databases.sql"));
        for (BuiltService service : built.values()) {
            URI database = URI.create(service.property("spring.datasource.url").substring("jdbc:".length()));
            assertThat(services()).as("%s's database host", service.name()).containsKey(database.getHost());
            assertThat(databases).as("%s's database is created", service.name())
                    .containsPattern("(?i)CREATE DATABASE " + Pattern.quote(database.getPath().substring(1)) + ";");
            for (String broker : service.property("spring.kafka.bootstrap-servers").split(",")) {
                assertThat(services()).as("%s's Kafka", service.name()).containsKey(broker.split(":")[0]);
            }
        }
        BuiltService gateway = built.get(GATEWAY);
        URI status = URI.create(gateway.property("dbcloud.gateway.status-url"));
        assertThat(built).containsKey(status.getHost());
        assertThat(String.valueOf(status.getPort())).isEqualTo(built.get(status.getHost()).property("server.port"));
        assertThat(dependsOn(gateway.definition())).contains(status.getHost());
    }

    @Test
    void theSecretsScriptWritesEveryFileTheComposeFileNamesWithAUsableKeyset(@TempDir Path temporary)
            throws Exception {
        Path secrets = temporary.resolve("secrets");
        runSecretsScript(secrets);
        Map<String, String> written = new HashMap<>();
        for (Object secret : map(compose.get("secrets")).values()) {
            Path file = secrets.resolve(Path.of(String.valueOf(map(secret).get("file"))).getFileName());
            assertThat(file).isRegularFile();
            written.put(file.getFileName().toString(), Files.readString(file));
        }
        assertThat(Files.getPosixFilePermissions(secrets)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        Path keyset = secrets.resolve("keyset.json");
        ControlPasswordCipher cipher = ControlPasswordCipher.fromKeysetFile(keyset);
        InstanceRef instance = new InstanceRef("default", "orders");
        assertThat(cipher.decrypt(instance, cipher.encrypt(instance, "s3cret-password"))).isEqualTo("s3cret-password");
        assertThat(written.get("bootstrap_api_key")).startsWith("dbc_").hasSizeGreaterThan(40);

        // Run again, it keeps every file: a new keyset or password would orphan what the old ones protect.
        runSecretsScript(secrets);
        written.forEach((file, content) -> assertThat(secrets.resolve(file)).hasContent(content));
    }

    /** A path under /actuator/health exists only as far as the service's yml turns it on. */
    private static void assertProbeExists(BuiltService service, String path) {
        if (path.equals(READINESS)) {
            assertThat(String.valueOf(service.yml("management.endpoint.health.probes.enabled")))
                    .as("%s asks %s, which only management.endpoint.health.probes.enabled: true in %s serves",
                            service.name(), path, service.configuration().getFileName())
                    .isEqualTo("true");
        } else {
            assertThat(path).as(service.name()).isEqualTo(HEALTH);
        }
    }

    private static void runSecretsScript(Path directory) throws Exception {
        Process process = new ProcessBuilder("sh", root.resolve("docker/generate-secrets.sh").toString(),
                directory.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the secrets script finishes").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** Instructions with their continuation lines joined and comments dropped. */
    private static List<String> dockerfileInstructions(Path dockerfile) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.isEmpty()) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                instructions.add(current.append(stripped).toString());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, definition) -> services.put(name, map(definition)));
        return services;
    }

    private static Map<String, String> environment(Map<String, Object> definition) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = definition.get("environment");
        if (declared instanceof Map<?, ?> entries) {
            entries.forEach((name, value) -> environment.put(String.valueOf(name), String.valueOf(value)));
        } else {
            for (Object entry : list(declared)) {
                String[] pair = String.valueOf(entry).split("=", 2);
                environment.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        }
        return environment;
    }

    private static Set<String> dependsOn(Map<String, Object> definition) {
        Object declared = definition.get("depends_on");
        return declared instanceof Map<?, ?> entries
                ? entries.keySet().stream().map(String::valueOf).collect(Collectors.toSet())
                : list(declared).stream().map(String::valueOf).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    /**
     * One dbcloud service of the compose file, with its module's configuration flattened to property names
     * ({@code management.server.port}).
     */
    private record BuiltService(String name, Map<String, Object> definition, String module, Path dockerfile,
            Path configuration, String configurationText, Map<String, Object> properties) {

        static BuiltService of(String name, Map<String, Object> definition) {
            Map<String, Object> build = map(definition.get("build"));
            Path dockerfile = root.resolve(String.valueOf(build.get("context")))
                    .resolve(String.valueOf(build.get("dockerfile"))).normalize();
            String module = root.relativize(dockerfile.getParent()).toString();
            Path configuration = root.resolve(module).resolve("src/main/resources/" + module + ".yml");
            try {
                String text = Files.readString(configuration);
                Map<String, Object> properties = new LinkedHashMap<>();
                flatten("", new Yaml().load(text), properties);
                return new BuiltService(name, definition, module, dockerfile, configuration, text, properties);
            } catch (IOException e) {
                throw new AssertionError(name + " has no configuration at " + configuration, e);
            }
        }

        private static void flatten(String prefix, Object value, Map<String, Object> into) {
            if (value instanceof Map<?, ?> entries) {
                entries.forEach((key, child) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key,
                        child, into));
            } else {
                into.put(prefix, value);
            }
        }

        Map<String, String> environment() {
            return ComposeFileTest.environment(definition);
        }

        /** The names of the files this service gets under /run/secrets/. */
        List<String> secretFiles() {
            return list(definition.get("secrets")).stream().map(secret -> {
                if (secret instanceof Map<?, ?> longForm) {
                    Object target = longForm.get("target");
                    return String.valueOf(target != null ? target : longForm.get("source"));
                }
                return String.valueOf(secret);
            }).map(file -> file.startsWith(SECRETS) ? file.substring(SECRETS.length()) : file).toList();
        }

        /**
         * What the service reads: the names of its yml's placeholders, and each property's environment variable
         * under Spring Boot's relaxed binding (dots become underscores, dashes go, upper case).
         */
        Set<String> readVariables() {
            Set<String> read = new LinkedHashSet<>(placeholders());
            properties.keySet().stream()
                    .map(property -> property.replace('.', '_').replace("-", "").toUpperCase())
                    .forEach(read::add);
            return read;
        }

        /** The names the yml's {@code ${NAME:default}} placeholders read. */
        Set<String> placeholders() {
            Set<String> names = new LinkedHashSet<>();
            Matcher placeholder = PLACEHOLDER.matcher(configurationText);
            while (placeholder.find()) {
                names.add(placeholder.group(1));
            }
            return names;
        }

        /** A property's raw value in the yml. */
        Object yml(String property) {
            return properties.get(property);
        }

        /** A property's value in this deployment: its variable's value in the compose file, else the yml default. */
        String property(String property) {
            String raw = String.valueOf(properties.get(property));
            Matcher variable = VARIABLE.matcher(raw);
            if (!variable.matches()) {
                return raw;
            }
            String value = environment().get(variable.group(1));
            return value != null ? value : Objects.requireNonNullElse(variable.group(2), "");
        }
    }
}
