package dev.dbcloud.gateway.tenants;

import dev.dbcloud.common.rules.TenantRules;
import dev.dbcloud.gateway.access.ApiKeys.IssuedKey;
import dev.dbcloud.gateway.access.ApiKeys;
import dev.dbcloud.gateway.paging.Cursor;
import dev.dbcloud.gateway.paging.Page;
import dev.dbcloud.gateway.paging.PageRequest;
import dev.dbcloud.gateway.refusals.ConflictException;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Tenants, which only the admin key creates, each with a first API key; a tenant then manages its own keys. */
@Service
public class Tenants {

    /** Each tenant with how many keys it may use; a query adds its WHERE, GROUP BY t.name, t.created_at and order. */
    private static final String TENANT_VIEW = """
            SELECT t.name, t.created_at, count(k.id) FILTER (WHERE k.revoked_at IS NULL) AS active_keys
            FROM tenants t LEFT JOIN api_keys k ON k.tenant = t.name""";

    private final JdbcClient jdbc;
    private final ApiKeys keys;
    private final Clock clock;

    Tenants(JdbcClient jdbc, ApiKeys keys, Clock clock) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.clock = clock;
    }

    /** Creates a tenant and its first key; 409 {@code TENANT_EXISTS} if the name is taken. */
    @Transactional
    public CreatedTenant create(String name) {
        validate(TenantRules.tenantName("name", name));
        OffsetDateTime now = OffsetDateTime.now(clock);
        int created = jdbc.sql("INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                .params(name, now)
                .update();
        if (created == 0) {
            throw new ConflictException("TENANT_EXISTS", "A tenant named " + name + " exists already.");
        }
        return new CreatedTenant(name, now.toInstant(), keys.issue(name, "first key"));
    }

    /**
     * A page of the tenants, oldest first (by creation time, then name), with how many keys each may use. The cursor
     * is the creation time and name.
     */
    public Page<TenantView> list(PageRequest page) {
        List<TenantView> rows = jdbc.sql(TENANT_VIEW
                        + (page.isFirst() ? "" : " WHERE (t.created_at, t.name) > (:afterTime, :afterName)")
                        + " GROUP BY t.name, t.created_at ORDER BY t.created_at, t.name LIMIT :rows")
                .params(page.isFirst() ? Map.of() : afterKey(page.after(2)))
                .param("rows", page.rowsToRead())
                .query(Tenants::tenantView)
                .list();
        return Page.of(rows, page, tenant -> Cursor.of(tenant.createdAt(), tenant.name()));
    }

    /** One tenant; 404 when there is none of that name. */
    public TenantView get(String name) {
        return jdbc.sql(TENANT_VIEW + " WHERE t.name = :name GROUP BY t.name, t.created_at")
                .param("name", name)
                .query(Tenants::tenantView)
                .optional()
                .orElseThrow(() -> new NotFoundException("No tenant named " + name + "."));
    }

    private static TenantView tenantView(ResultSet row, int n) throws SQLException {
        return new TenantView(row.getString("name"), row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getLong("active_keys"));
    }

    private static Map<String, Object> afterKey(Cursor after) {
        return Map.of("afterTime", after.time(0), "afterName", after.text(1));
    }

    /** A new key for a tenant: the admin's way back in for a tenant that lost or revoked all its keys. */
    @Transactional
    public IssuedKey issueKey(String tenant, String label) {
        validate(TenantRules.keyName("name", label));
        boolean exists = jdbc.sql("SELECT EXISTS (SELECT 1 FROM tenants WHERE name = ?)").param(tenant)
                .query(Boolean.class).single();
        if (!exists) {
            throw new NotFoundException("No tenant named " + tenant + ".");
        }
        return keys.issue(tenant, label);
    }

    private static void validate(List<dev.dbcloud.common.rules.Violation> violations) {
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
    }

    /** A tenant just created, with its first key: the one time that key is shown. */
    public record CreatedTenant(String name, Instant createdAt, IssuedKey apiKey) {
    }

    public record TenantView(String name, Instant createdAt, long activeKeys) {
    }
}
