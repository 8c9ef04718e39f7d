package dev.dbcloud.localstack;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The threads of one service of the local stack. The four services share one JVM and so one logging system, whose
 * application name can name only one of them; instead, each service is started, restarted and stopped on a thread
 * of its own group, and since Java makes every new thread a member of its creator's group, all the threads the
 * service creates (Tomcat's, its Kafka consumers and producers, its schedulers, its outbox relay) are of that group
 * too. {@link ServiceNameConverter} names the service in each log line from there.
 */
final class ServiceThreads extends ThreadGroup {

    ServiceThreads(String service) {
        super(service);
    }

    /** The service a thread works for, or null for a thread of none (the stack's own, Kafka's broker, JDK pools). */
    static String serviceOf(Thread thread) {
        for (ThreadGroup group = thread.getThreadGroup(); group != null; group = group.getParent()) {
            if (group instanceof ServiceThreads service) {
                return service.getName();
            }
        }
        return null;
    }

    /** Does some work of this service on a new thread of its group, and waits for it; its failure is thrown here. */
    <T> T call(String what, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread thread = new Thread(this, task, getName() + "-" + what);
        thread.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + getName() + " was busy with " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    void run(String what, Runnable work) {
        call(what, () -> {
            work.run();
            return null;
        });
    }
}
