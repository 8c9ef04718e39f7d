package dev.dbcloud.gateway.instances;

/** The body of {@code POST /v1/instances/{name}/password}. {@link #toString()} hides the password. */
public record ResetPasswordRequest(String password) {

    @Override
    public String toString() {
        return "ResetPasswordRequest[password=<hidden>]";
    }
}
