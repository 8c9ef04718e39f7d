package dev.dbcloud.gateway.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A problem a handler answers beyond those {@link ApiDocumentation} gives every endpoint by its shape (400, 401,
 * 403, 404 for a path with a name, 413, 415, 422, 503 CONTROL_PLANE_UNAVAILABLE): its status and the stable
 * {@code code}s it may carry. The OpenAPI document lists them; nothing else reads them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Refusal.List.class)
public @interface Refusal {

    int status();

    String[] codes();

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        Refusal[] value();
    }
}
