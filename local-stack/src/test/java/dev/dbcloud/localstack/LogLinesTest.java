package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The local stack's log configuration, read by Logback as Spring Boot hands it over, without the stack. */
@ExtendWith(OutputCaptureExtension.class)
class LogLinesTest {

    @Test
    void namesTheServiceOfEveryThreadItsStartingThreadCreates() throws Exception {
        ServiceThreads provisioner = new ServiceThreads("provisioner-service");
        String label = provisioner.call("test", () -> {
            // A thread created later by a thread of the service, as a pool creates its workers.
            AtomicReference<String> seen = new AtomicReference<>();
            Thread worker = new Thread(() -> seen.set(new ServiceNameConverter().convert(null)));
            worker.start();
            worker.join();
            return seen.get();
        });

        assertThat(label).isEqualTo("provisioner-service");
        assertThat(new ServiceNameConverter().convert(null)).isEqualTo("local-stack");
    }

    @Test
    void labelsEachLineWithTheServiceWhoseThreadWroteIt(CapturedOutput output) throws Exception {
        LoggerContext logging = configured(Map.of());
        try {
            new ServiceThreads("provisioner-service").run("test",
                    () -> logging.getLogger("dev.dbcloud.provisioner.Provisioning").info("from the provisioner"));
            new ServiceThreads("status-service").run("test",
                    () -> logging.getLogger("dev.dbcloud.status.Projection").info("from status-service"));
            logging.getLogger(LocalStack.class).info("from the stack");
        } finally {
            logging.stop();
        }

        assertThat(line(output, "from the provisioner")).contains("[provisioner-service]").doesNotContain("status-service");
        assertThat(line(output, "from status-service")).contains("[status-service]");
        assertThat(line(output, "from the stack")).contains("[local-stack]");
    }

    @Test
    void writesJsonLinesWhenAStructuredFormatIsSetAndNamesTheServiceInThem(CapturedOutput output) throws Exception {
        // Spring Boot sets this from logging.structured.format.console (LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs).
        LoggerContext logging = configured(Map.of("CONSOLE_LOG_STRUCTURED_FORMAT", "ecs"));
        try {
            new ServiceThreads("provisioner-service").run("test",
                    () -> logging.getLogger("dev.dbcloud.provisioner.Provisioning").info("as json"));
        } finally {
            logging.stop();
        }

        assertThat(line(output, "as json")).startsWith("{")
                .contains("\"message\":\"as json\"", "\"ecs\":", "\"service\":{\"name\":\"provisioner-service\"");
    }

    private static LoggerContext configured(Map<String, String> properties) throws JoranException {
        LoggerContext logging = new LoggerContext();
        logging.setMDCAdapter(new LogbackMDCAdapter());
        // As the local stack starts its services: the first one's name is the application's.
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("stack", Map.of(
                "spring.application.name", "status-service",
                "logging.structured.json.customizer", ServiceJsonMembers.class.getName())));
        logging.putObject(Environment.class.getName(), environment);
        properties.forEach(logging::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logging);
        configurator.doConfigure(LogLinesTest.class.getResource("/logback.xml"));
        assertThat(logging.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")).isNotNull();
        return logging;
    }

    private static String line(CapturedOutput output, String message) {
        return output.getOut().lines().filter(line -> line.contains(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + message + "' in:\n" + output.getOut()));
    }
}
