package dev.dbcloud.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What makes two requests the same request: a SHA-256 digest of their non-secret parts, and the secret they carry
 * (a password), which is only ever compared through a salted slow hash. {@link #toString()} hides the secret.
 */
public final class RequestFingerprint {

    private final byte[] digest;
    private final String secret;

    private RequestFingerprint(byte[] digest, String secret) {
        this.digest = digest;
        this.secret = secret;
    }

    /** The request's non-secret parts, in a fixed order; a null part differs from every string. */
    public static RequestFingerprint of(String... parts) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                if (part == null) {
                    sha256.update((byte) 0);
                    continue;
                }
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha256.update((byte) 1);
                sha256.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                sha256.update((byte) ':');
                sha256.update(bytes);
            }
            return new RequestFingerprint(sha256.digest(), null);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public RequestFingerprint withSecret(String secret) {
        return new RequestFingerprint(digest, secret);
    }

    byte[] digest() {
        return digest.clone();
    }

    String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "RequestFingerprint[secret=" + (secret == null ? "none" : "<hidden>") + "]";
    }
}
