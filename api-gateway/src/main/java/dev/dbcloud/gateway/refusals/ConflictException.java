package dev.dbcloud.gateway.refusals;

/** The request is well-formed but clashes with the instance's state; answered 409 with a stable code. */
public class ConflictException extends RuntimeException {

    private final String code;

    public ConflictException(String code, String detail) {
        super(detail);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
