package dev.dbcloud.gateway.instances;

/**
 * The body of {@code POST /v1/linked-instances}: a server the user runs, and a role on it that can log in and
 * create databases. {@link #toString()} hides the password.
 */
public record LinkInstanceRequest(String name, String hostName, Integer port, String adminRole, String password) {

    @Override
    public String toString() {
        return "LinkInstanceRequest[name=" + name + ", hostName=" + hostName + ", port=" + port + ", adminRole="
                + adminRole + ", password=<hidden>]";
    }
}
