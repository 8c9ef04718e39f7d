package dev.dbcloud.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Bearer-key authentication as every dbcloud service does it, on Spring Security's own {@link AuthenticationFilter}:
 * the key comes from {@code Authorization: Bearer <key>} (the scheme in any case), one {@link AuthenticationProvider}
 * decides whom it belongs to, and refusals are problem+json: 401 {@code UNAUTHENTICATED} with
 * {@code WWW-Authenticate: Bearer} for a missing, unknown or revoked key, 403 {@code FORBIDDEN} for a key that may
 * not do this. Stateless: no session, no request cache, no CSRF token (nothing here is a browser form).
 */
public final class BearerKeys {

    private static final String BEARER = "bearer ";
    /** The code of a 503 because the control plane's database does not answer. */
    public static final String UNAVAILABLE = "CONTROL_PLANE_UNAVAILABLE";
    public static final String RETRY_AFTER_SECONDS = "5";

    private BearerKeys() {
    }

    /**
     * Applies bearer-key authentication to a filter chain.
     *
     * @param provider decides whom a key belongs to; the only provider this chain consults
     * @param unauthenticatedDetail what a 401 tells the caller to send
     * @param forbidden answers a known key that may not do what it asks
     */
    public static HttpSecurity apply(HttpSecurity http, AuthenticationProvider provider, String unauthenticatedDetail,
            AccessDeniedHandler forbidden) throws Exception {
        return apply(http, provider, unauthenticatedDetail, forbidden, AnyRequestMatcher.INSTANCE);
    }

    /** As above, authenticating only the requests {@code authenticating} matches; the rest stay anonymous. */
    static HttpSecurity apply(HttpSecurity http, AuthenticationProvider provider, String unauthenticatedDetail,
            AccessDeniedHandler forbidden, RequestMatcher authenticating) throws Exception {
        AuthenticationEntryPoint unauthenticated = unauthenticated(unauthenticatedDetail);
        AuthenticationFilter filter = new AuthenticationFilter(new ProviderManager(provider), BearerKeys::fromHeader);
        filter.setRequestMatcher(authenticating);
        AuthenticationEntryPointFailureHandler refused = new AuthenticationEntryPointFailureHandler(unauthenticated);
        filter.setFailureHandler((request, response, failure) -> {
            if (failure instanceof AuthenticationServiceException) {
                // Keys could not be checked (their database does not answer): a fault of ours, not the caller's.
                response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                ProblemJson.write(response, HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE,
                        "The control plane cannot check keys right now; try again shortly.");
            } else {
                refused.onAuthenticationFailure(request, response, failure);
            }
        });
        // Go on down the chain: a request is authenticated on its way to the handler, never redirected.
        filter.setSuccessHandler((request, response, authentication) -> { });
        return stateless(http)
                .addFilterAt(filter, BasicAuthenticationFilter.class)
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden));
    }

    /** A 403 that says why, in the caller's terms. */
    public static AccessDeniedHandler forbidden(String detail) {
        return (request, response, denied) -> ProblemJson.write(response, HttpStatus.FORBIDDEN, "FORBIDDEN", detail);
    }

    static AuthenticationEntryPoint unauthenticated(String detail) {
        return (request, response, failure) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            ProblemJson.write(response, HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", detail);
        };
    }

    static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable());
    }

    /**
     * The key of an {@code Authorization: Bearer <key>} header; null without one, so the request stays anonymous.
     * Two {@code Authorization} headers name no key (a proxy might read the other one): they fail authentication.
     */
    static BearerKeyAuthentication fromHeader(HttpServletRequest request) {
        List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
        if (headers.size() > 1) {
            return BearerKeyAuthentication.unauthenticated(null);
        }
        String header = headers.isEmpty() ? null : headers.get(0);
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return null;
        }
        return BearerKeyAuthentication.unauthenticated(header.substring(BEARER.length()).strip());
    }
}
