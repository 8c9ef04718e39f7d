package dev.dbcloud.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The credential services present to each other's internal APIs.
 *
 * @param token the service token ({@code DBCLOUD_INTERNAL_TOKEN}) that callers send as {@code Authorization:
 *     Bearer <token>}; without one, an internal API refuses everybody and a caller sends nothing
 */
@ConfigurationProperties("dbcloud.internal")
public record InternalAccessProperties(String token) {

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "InternalAccessProperties[token=" + (hasToken() ? "******" : "") + "]";
    }
}
