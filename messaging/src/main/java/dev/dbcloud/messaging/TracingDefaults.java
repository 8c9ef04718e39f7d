package dev.dbcloud.messaging;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The tracing settings every dbcloud service shares, as defaults: a service's configuration file, its environment
 * ({@code MANAGEMENT_TRACING_SAMPLING_PROBABILITY=0.1}, say) and its command line all outrank them.
 *
 * <ul>
 *   <li>The {@code KafkaTemplate} and every listener container are observed: a record sent carries its trace in a
 *       {@code traceparent} header, and its listener continues that trace.</li>
 *   <li>Every trace is sampled. A control plane handles a few commands a minute, so recording them all costs little,
 *       and a sampled trace is what an OTLP collector receives once export is switched on
 *       ({@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}); nothing is exported while no endpoint is set. Services that
 *       continue a trace follow the sampling decision of the one that began it.</li>
 * </ul>
 */
class TracingDefaults implements EnvironmentPostProcessor {

    static final String NAME = "dbcloudTracingDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(NAME, Map.of(
                "spring.kafka.template.observation-enabled", "true",
                "spring.kafka.listener.observation-enabled", "true",
                "management.tracing.sampling.probability", "1.0")));
    }
}
