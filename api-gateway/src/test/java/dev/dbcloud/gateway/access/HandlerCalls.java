package dev.dbcloud.gateway.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Counts the requests that reach a controller method, by the value of their {@value #PROBE} header: a test marks
 * its requests and then knows whether any got past authentication and routing to a handler.
 */
@TestConfiguration(proxyBeanMethods = false)
public class HandlerCalls implements WebMvcConfigurer, HandlerInterceptor {

    public static final String PROBE = "X-Test-Probe";

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String probe = request.getHeader(PROBE);
        if (probe != null && handler instanceof HandlerMethod) {
            calls.computeIfAbsent(probe, p -> new AtomicInteger()).incrementAndGet();
        }
        return true;
    }

    /** How many requests marked with this probe reached a controller method. */
    public int count(String probe) {
        AtomicInteger count = calls.get(probe);
        return count == null ? 0 : count.get();
    }
}
