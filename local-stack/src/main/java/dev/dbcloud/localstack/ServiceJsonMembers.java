package dev.dbcloud.localstack;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * In the local stack's JSON log lines, {@code service.name} is the service whose thread wrote the line, as
 * {@link ServiceNameConverter} tells it, rather than the first service's application name for every line.
 * Set as {@code logging.structured.json.customizer}.
 */
public class ServiceJsonMembers implements StructuredLoggingJsonMembersCustomizer<Object> {

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(JsonWriter.ValueProcessor.<String>of(String.class,
                name -> ServiceNameConverter.serviceOfCurrentThread()).whenHasPath("service.name"));
    }
}
