package dev.dbcloud.localstack;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %service} in the local stack's log pattern: the service whose thread wrote the line ({@link ServiceThreads}),
 * or {@code local-stack} for the stack's own threads, Kafka's broker and the control plane's PostgreSQL. It reads the
 * current thread, so it suits appenders that write on the logging thread, as the console appender does.
 */
public class ServiceNameConverter extends ClassicConverter {

    static final String NONE = "local-stack";

    @Override
    public String convert(ILoggingEvent event) {
        return serviceOfCurrentThread();
    }

    static String serviceOfCurrentThread() {
        String service = ServiceThreads.serviceOf(Thread.currentThread());
        return service != null ? service : NONE;
    }
}
