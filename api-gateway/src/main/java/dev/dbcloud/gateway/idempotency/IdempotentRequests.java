package dev.dbcloud.gateway.idempotency;

import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.gateway.operations.Operations;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code Idempotency-Key} header: the first request with a key is accepted and remembered for a day; the same
 * key with the same request answers the operation it started and publishes nothing new; the same key with another
 * request is refused. Requests with one key are accepted one at a time (a transaction-scoped advisory lock), so
 * two concurrent retries cannot both start an operation.
 */
@Component
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    static final Duration RETENTION = Duration.ofHours(24);
    private static final int KEY_MAX = 255;
    // As many PBKDF2 rounds as the SCRAM verifier the gateway publishes anyway: this hash is never the weaker copy.
    private static final int SECRET_HASH_ROUNDS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Operations operations;
    private final Clock clock;

    IdempotentRequests(JdbcClient jdbc, Operations operations, Clock clock) {
        this.jdbc = jdbc;
        this.operations = operations;
        this.clock = clock;
    }

    /**
     * Accepts the request once per key: answers the operation {@code accept} starts, or the current state of the
     * one the same request started before with this key. Without a key, simply accepts the request.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public OperationView once(String tenant, String key, RequestFingerprint request, Supplier<OperationView> accept) {
        if (key == null) {
            return accept.get();
        }
        validate(key);
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))").param(tenant + "/" + key).query().singleRow();
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        Optional<Remembered> remembered = jdbc.sql("""
                        SELECT fingerprint, secret_salt, secret_hash, operation_id FROM idempotency_keys
                        WHERE tenant = ? AND key = ? AND created_at > ?""")
                .params(tenant, key, now.minus(RETENTION))
                .query((row, n) -> new Remembered(row.getBytes("fingerprint"), row.getBytes("secret_salt"),
                        row.getBytes("secret_hash"), row.getObject("operation_id", UUID.class)))
                .optional();
        if (remembered.isPresent()) {
            if (!remembered.get().matches(request)) {
                throw new IdempotencyKeyReusedException();
            }
            return operations.replay(tenant, remembered.get().operationId());
        }
        OperationView accepted = accept.get();
        byte[] salt = request.secret() == null ? null : salt();
        jdbc.sql("""
                        INSERT INTO idempotency_keys (tenant, key, fingerprint, secret_salt, secret_hash, operation_id, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (tenant, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                            secret_salt = excluded.secret_salt, secret_hash = excluded.secret_hash,
                            operation_id = excluded.operation_id, created_at = excluded.created_at""")
                .params(tenant, key, request.digest(), salt, salt == null ? null : hash(request.secret(), salt),
                        accepted.id(), now)
                .update();
        return accepted;
    }

    /** Forgets keys past their day. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    void forgetExpired() {
        jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < ?")
                .param(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(RETENTION))
                .update();
    }

    private static void validate(String key) {
        if (key.isEmpty() || key.length() > KEY_MAX) {
            throw new ValidationFailedException(List.of(new Violation(HEADER, Rule.LENGTH,
                    "must be 1 to " + KEY_MAX + " characters long")));
        }
        if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ValidationFailedException(List.of(new Violation(HEADER, Rule.ALLOWED_CHARACTERS,
                    "may contain only visible ASCII characters")));
        }
    }

    private record Remembered(byte[] fingerprint, byte[] secretSalt, byte[] secretHash, UUID operationId) {

        boolean matches(RequestFingerprint request) {
            if (!MessageDigest.isEqual(fingerprint, request.digest())) {
                return false;
            }
            if (secretSalt == null || request.secret() == null) {
                return secretSalt == null && request.secret() == null;
            }
            return MessageDigest.isEqual(secretHash, hash(request.secret(), secretSalt));
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private static byte[] hash(String secret, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, SECRET_HASH_ROUNDS, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
