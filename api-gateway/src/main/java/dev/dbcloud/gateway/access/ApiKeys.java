package dev.dbcloud.gateway.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dbcloud.gateway.paging.Cursor;
import dev.dbcloud.gateway.paging.Page;
import dev.dbcloud.gateway.paging.PageRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: random, shown once, stored as SHA-256 hashes (keys carry 256 bits of entropy, so a fast hash is
 * enough), each bound to a tenant or marked admin. The first characters stay visible as a prefix, to tell keys
 * apart in a list. Whom a key belongs to is remembered for {@link ApiKeyProperties#cacheFor()}, so a request
 * costs no query: a key revoked through this gateway is refused from the next request on, one revoked elsewhere
 * (another gateway, the database) within that time.
 */
@Repository
public class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_PREFIX = "dbc_";
    private static final int VISIBLE = 12;

    private final JdbcClient jdbc;
    private final Clock clock;
    /** Keys known to be valid, by hash; never an unknown or revoked one. */
    private final Cache<String, Caller> known;

    ApiKeys(JdbcClient jdbc, Clock clock, ApiKeyProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.known = Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheFor())
                .maximumSize(properties.cacheFor().isZero() ? 0 : properties.cacheSize())
                .build();
    }

    /** A new random key; nothing is stored. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Stores a key's hash for a tenant, creating the tenant if needed (or as admin when tenant is null); storing it
     * again changes nothing.
     */
    @Transactional
    public void register(String key, String tenant) {
        if (tenant != null) {
            jdbc.sql("INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                    .params(tenant, OffsetDateTime.now(clock))
                    .update();
        }
        store(key, tenant, null);
    }

    /** A new key for an existing tenant, stored as its hash; the answer is the only place the key ever appears. */
    public IssuedKey issue(String tenant, String name) {
        String key = newKey();
        StoredKey stored = store(key, tenant, name);
        return new IssuedKey(stored.id(), stored.prefix(), stored.name(), key, stored.createdAt());
    }

    /**
     * A page of the tenant's keys, newest first (by creation time, then id), revoked ones included; never the keys
     * themselves. The cursor is the creation time and id.
     */
    public Page<StoredKey> list(String tenant, PageRequest page) {
        List<StoredKey> rows = jdbc.sql("SELECT id, prefix, name, created_at, revoked_at FROM api_keys WHERE tenant = :tenant"
                        + (page.isFirst() ? "" : " AND (created_at, id) < (:afterTime, :afterId)")
                        + " ORDER BY created_at DESC, id DESC LIMIT :rows")
                .param("tenant", tenant)
                .params(page.isFirst() ? Map.of() : afterKey(page.after(2)))
                .param("rows", page.rowsToRead())
                .query(ApiKeys::stored)
                .list();
        return Page.of(rows, page, key -> Cursor.of(key.createdAt(), key.id()));
    }

    /** One of the tenant's keys, revoked or not; empty when the tenant has no key with that id. */
    public Optional<StoredKey> find(String tenant, UUID id) {
        return jdbc.sql("SELECT id, prefix, name, created_at, revoked_at FROM api_keys WHERE tenant = ? AND id = ?")
                .params(tenant, id)
                .query(ApiKeys::stored)
                .optional();
    }

    private static Map<String, Object> afterKey(Cursor after) {
        return Map.of("afterTime", after.time(0), "afterId", after.uuid(1));
    }

    /**
     * Revokes one of the tenant's keys, here at once (it is forgotten once the revocation is committed); answers
     * false when the tenant has no such key. Revoking twice is a no-op.
     */
    public boolean revoke(String tenant, UUID id) {
        List<String> revoked = jdbc.sql("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE tenant = ? AND id = ?"
                        + " RETURNING key_hash")
                .params(OffsetDateTime.now(clock), tenant, id)
                .query(String.class)
                .list();
        // After the commit: a lookup under way waits for this, and one that starts later reads the revocation.
        known.invalidateAll(revoked);
        return !revoked.isEmpty();
    }

    /** Whom the key belongs to; empty when it is unknown or revoked. */
    Optional<Caller> authenticate(String key) {
        return Optional.ofNullable(known.get(hash(key), this::owner));
    }

    private Caller owner(String keyHash) {
        return jdbc.sql("SELECT tenant, admin FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
                .param(keyHash)
                .query((row, n) -> new Caller(row.getString("tenant"), row.getBoolean("admin")))
                .optional()
                .orElse(null);
    }

    private StoredKey store(String key, String tenant, String name) {
        jdbc.sql("INSERT INTO api_keys (key_hash, prefix, tenant, admin, name, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (key_hash) DO NOTHING")
                .params(hash(key), key.substring(0, Math.min(VISIBLE, key.length())), tenant, tenant == null, name,
                        OffsetDateTime.now(clock))
                .update();
        return jdbc.sql("SELECT id, prefix, name, created_at, revoked_at FROM api_keys WHERE key_hash = ?")
                .param(hash(key))
                .query(ApiKeys::stored)
                .single();
    }

    private static StoredKey stored(ResultSet row, int n) throws SQLException {
        OffsetDateTime revoked = row.getObject("revoked_at", OffsetDateTime.class);
        return new StoredKey(row.getObject("id", UUID.class), row.getString("prefix"), row.getString("name"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(), revoked == null ? null : revoked.toInstant());
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key as lists show it: never the key, only its id, visible prefix and label. */
    public record StoredKey(UUID id, String prefix, String name, Instant createdAt, Instant revokedAt) {
    }

    /** A key just issued: the one time the key itself is shown. {@link #toString()} hides it. */
    public record IssuedKey(UUID id, String prefix, String name, String key, Instant createdAt) {
        @Override
        public String toString() {
            return "IssuedKey[id=" + id + ", prefix=" + prefix + ", name=" + name + ", key=<hidden>]";
        }
    }
}
