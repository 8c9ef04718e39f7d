package dev.dbcloud.gateway.idempotency;

/** The Idempotency-Key already named a different request; answered 422. */
public class IdempotencyKeyReusedException extends RuntimeException {

    IdempotencyKeyReusedException() {
        super("this Idempotency-Key was used for a different request");
    }
}
