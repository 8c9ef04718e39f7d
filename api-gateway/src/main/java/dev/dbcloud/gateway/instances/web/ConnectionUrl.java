package dev.dbcloud.gateway.instances.web;

/** {@code postgresql://user@host:port/database}, without a password. */
record ConnectionUrl(String url) {

    /** Every part is a validated identifier or host name, so none needs percent-encoding; IPv6 hosts get brackets. */
    static ConnectionUrl of(String user, String hostName, int port, String database) {
        String host = hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName;
        return new ConnectionUrl("postgresql://" + user + "@" + host + ":" + port + "/" + database);
    }
}
