package dev.dbcloud.gateway.instances;

/** The body of {@code POST /v1/instances}. {@link #toString()} hides the password. */
public record ProvisionInstanceRequest(String name, String username, String password) {

    @Override
    public String toString() {
        return "ProvisionInstanceRequest[name=" + name + ", username=" + username + ", password=<hidden>]";
    }
}
