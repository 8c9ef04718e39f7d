package dev.dbcloud.gateway.access;

import dev.dbcloud.security.BearerKeyAuthentication;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Finds whom an API key belongs to: a tenant (authority {@code TENANT}) or the admin ({@code ADMIN}). An unknown or
 * revoked key fails, and the answer never says which.
 */
final class ApiKeyProvider implements AuthenticationProvider {

    static final String TENANT = "TENANT";
    static final String ADMIN = "ADMIN";

    private final ApiKeys keys;

    ApiKeyProvider(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String key = ((BearerKeyAuthentication) authentication).key();
        Caller caller;
        try {
            caller = key == null || key.isEmpty() ? null : keys.authenticate(key).orElse(null);
        } catch (DataAccessException e) {
            throw new AuthenticationServiceException("the keys cannot be read", e);
        }
        if (caller == null) {
            throw new BadCredentialsException("unknown or revoked API key");
        }
        return BearerKeyAuthentication.authenticated(caller,
                List.of(new SimpleGrantedAuthority(caller.admin() ? ADMIN : TENANT)));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerKeyAuthentication.class.isAssignableFrom(authentication);
    }
}
