package dev.dbcloud.provisioner.driver;

/** Where clients reach an instance's server. */
public record Endpoint(String hostName, int port) {
}
