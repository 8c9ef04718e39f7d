package dev.dbcloud.gateway.web;

import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API speaks JSON only. Spring MVC would also read and write YAML, CBOR, Smile or XML whenever a library on the
 * classpath brings Jackson's module for it (Kafka's server brings YAML): a body in one of them would skip the
 * checks made for JSON (duplicate keys), and an answer in one of them can fail. They are removed, so such a body
 * gets 415 and such an {@code Accept} 406.
 */
@Configuration(proxyBeanMethods = false)
class JsonOnly implements WebMvcConfigurer {

    private static final Set<String> OTHER_FORMATS = Set.of("yaml", "x-yaml", "cbor", "x-jackson-smile", "xml");

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.removeIf(converter -> converter.getSupportedMediaTypes().stream()
                .anyMatch(type -> OTHER_FORMATS.contains(type.getSubtype())
                        || type.getSubtype().endsWith("+xml") || type.getSubtype().endsWith("+yaml")));
    }
}
