package dev.dbcloud.security;

import java.util.Collection;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * A key sent as {@code Authorization: Bearer <key>}: unauthenticated as it arrives, authenticated once a provider
 * has found whom it belongs to. The key itself never appears in {@link #toString()}, and is erased once checked.
 */
public final class BearerKeyAuthentication extends AbstractAuthenticationToken {

    private final Object principal;
    private String key;

    private BearerKeyAuthentication(Object principal, String key, Collection<? extends GrantedAuthority> authorities,
            boolean authenticated) {
        super(authorities);
        this.principal = principal;
        this.key = key;
        super.setAuthenticated(authenticated);
    }

    /** A key as the request carried it, not yet checked. */
    public static BearerKeyAuthentication unauthenticated(String key) {
        return new BearerKeyAuthentication(null, key, List.of(), false);
    }

    /** A checked key: whom it belongs to, and what that may do. */
    public static BearerKeyAuthentication authenticated(Object principal, Collection<? extends GrantedAuthority> authorities) {
        return new BearerKeyAuthentication(principal, null, authorities, true);
    }

    /** The key to check; null once authenticated. */
    public String key() {
        return key;
    }

    @Override
    public Object getCredentials() {
        return key;
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("only a provider authenticates a key, through authenticated(...)");
        }
        super.setAuthenticated(false);
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        key = null;
    }

    @Override
    public String toString() {
        return "BearerKeyAuthentication[principal=" + principal + ", authorities=" + getAuthorities()
                + ", authenticated=" + isAuthenticated() + "]";
    }
}
