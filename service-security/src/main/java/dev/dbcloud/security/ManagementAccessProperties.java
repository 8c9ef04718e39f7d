package dev.dbcloud.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may use the actuator endpoints beyond health, info and prometheus.
 *
 * @param adminKey the admin key ({@code DBCLOUD_ADMIN_KEY}) that callers send as {@code Authorization: Bearer
 *     <key>}; without one, those endpoints are refused to everybody
 */
@ConfigurationProperties("dbcloud.management")
public record ManagementAccessProperties(String adminKey) {

    public boolean hasAdminKey() {
        return adminKey != null && !adminKey.isBlank();
    }

    @Override
    public String toString() {
        return "ManagementAccessProperties[adminKey=" + (hasAdminKey() ? "******" : "") + "]";
    }
}
