package dev.dbcloud.gateway.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires {@code Authorization: Bearer <api key>} on every {@code /v1} request: 401 problem+json for a missing,
 * unknown or revoked key. {@code /v1/admin/...} takes only the admin key, everything else only a tenant's key:
 * 403 for the other kind, so the admin key never reads or changes a tenant's instances.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final String ADMIN_PATHS = "/v1/admin/";

    private final ApiKeys keys;

    ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller = header != null && header.startsWith(BEARER)
                ? keys.authenticate(header.substring(BEARER.length()).strip())
                : Optional.empty();
        if (caller.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            refuse(response, HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED",
                    "Send a valid API key as 'Authorization: Bearer <key>'.");
            return;
        }
        boolean adminPath = request.getRequestURI().startsWith(ADMIN_PATHS);
        if (adminPath != caller.get().admin()) {
            refuse(response, HttpStatus.FORBIDDEN, "FORBIDDEN", adminPath
                    ? "Only the admin key may manage tenants."
                    : "The admin key manages tenants only; use one of a tenant's keys.");
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletResponse response, HttpStatus status, String code, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"code\":\"" + code + "\",\"detail\":\"" + detail + "\"}");
    }
}
