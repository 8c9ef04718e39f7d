package dev.dbcloud.common;

import java.time.Duration;

/**
 * The rule for an operation that gets no outcome in time: it reads FAILED with this code and message, in the
 * gateway (before status-service has seen the operation) and in status-service alike.
 */
public final class OperationTimeout {

    /** The error code of an operation that got no outcome in time. */
    public static final String CODE = "TIMEOUT";

    /** The error message of a timed-out operation, e.g. "No outcome within 10 minutes; ...". */
    public static String message(Duration timeout) {
        return "No outcome within " + inWords(timeout) + "; the service that runs it may be down";
    }

    /** The duration in the largest unit that states it exactly: "10 minutes", "1 hour", "90 seconds". */
    private static String inWords(Duration duration) {
        if (duration.toNanosPart() != 0) {
            return count(duration.toMillis(), "millisecond");
        }
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return count(seconds / 3600, "hour");
        }
        if (seconds % 60 == 0) {
            return count(seconds / 60, "minute");
        }
        return count(seconds, "second");
    }

    private static String count(long amount, String unit) {
        return amount + " " + unit + (amount == 1 ? "" : "s");
    }

    private OperationTimeout() {
    }
}
