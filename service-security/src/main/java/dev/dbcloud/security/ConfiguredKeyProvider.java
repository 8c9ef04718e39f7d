package dev.dbcloud.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Accepts the one key that configuration holds (the admin key of the actuator, the service token of an internal
 * API) and grants it one authority. Keys are compared as SHA-256 digests in constant time. Without a configured
 * key, every key is refused.
 */
public final class ConfiguredKeyProvider implements AuthenticationProvider {

    private final byte[] digest;
    private final String principal;
    private final SimpleGrantedAuthority authority;

    /**
     * @param key the key, or null or blank for none
     * @param principal the name an accepted key stands for
     * @param authority what an accepted key may do
     */
    public ConfiguredKeyProvider(String key, String principal, String authority) {
        this.digest = key == null || key.isBlank() ? null : sha256(key.strip());
        this.principal = principal;
        this.authority = new SimpleGrantedAuthority(authority);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String key = ((BearerKeyAuthentication) authentication).key();
        if (digest == null || key == null || !MessageDigest.isEqual(digest, sha256(key))) {
            throw new BadCredentialsException("unknown key");
        }
        return BearerKeyAuthentication.authenticated(principal, List.of(authority));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerKeyAuthentication.class.isAssignableFrom(authentication);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
