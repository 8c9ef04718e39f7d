package dev.dbcloud.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * API keys: random, shown once, stored as SHA-256 hashes (keys carry 256 bits of entropy, so a fast hash is
 * enough), each bound to a tenant or marked admin. The first characters stay visible as a prefix.
 */
@Repository
public class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_PREFIX = "dbc_";

    private final JdbcClient jdbc;
    private final Clock clock;

    ApiKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A new random key; nothing is stored. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stores a key's hash for a tenant (or as admin when tenant is null); storing it again changes nothing. */
    public void register(String key, String tenant) {
        jdbc.sql("INSERT INTO api_keys (key_hash, prefix, tenant, admin, created_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (key_hash) DO NOTHING")
                .params(hash(key), key.substring(0, Math.min(12, key.length())), tenant, tenant == null,
                        OffsetDateTime.now(clock))
                .update();
    }

    Optional<Caller> authenticate(String key) {
        return jdbc.sql("SELECT tenant, admin FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
                .param(hash(key))
                .query((row, n) -> new Caller(row.getString("tenant"), row.getBoolean("admin")))
                .optional();
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
