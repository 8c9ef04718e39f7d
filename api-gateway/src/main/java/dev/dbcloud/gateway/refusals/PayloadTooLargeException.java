package dev.dbcloud.gateway.refusals;

/** The request is larger than the API takes; answered 413 with a stable code. */
public class PayloadTooLargeException extends RuntimeException {

    private final String code;

    public PayloadTooLargeException(String code, String detail) {
        super(detail);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
