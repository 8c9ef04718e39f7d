package dev.dbcloud.messaging.management;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards the actuator endpoints: the open ones (health and its groups, info, prometheus) answer anybody; every
 * other path under the actuator base path, the discovery page included, requires {@code Authorization: Bearer
 * <admin key>} and answers 401 problem+json otherwise. With no admin key configured, nobody gets in. Paths
 * outside the base path are not this filter's business.
 *
 * <p>A path only counts as open when the request's raw URI is already canonical (no {@code ..}, {@code ;} path
 * parameters, percent escapes or doubled slashes), so the servlet container's normalization and Spring MVC's
 * matching cannot disagree about which endpoint an open-looking request reaches.
 */
final class ActuatorAccessFilter extends OncePerRequestFilter {

    private static final String BEARER = "bearer ";
    private static final byte[] UNAUTHORIZED_BODY = """
            {"type":"about:blank","title":"Unauthorized","status":401,"code":"UNAUTHENTICATED",\
            "detail":"This management endpoint requires the admin key as 'Authorization: Bearer <key>'."}"""
            .getBytes(StandardCharsets.UTF_8);

    private final String basePath;
    private final Set<String> openPaths;
    private final Set<String> openPrefixes;
    private final byte[] adminKeyDigest;

    /**
     * @param basePath the actuator base path relative to the servlet context ({@code /actuator}); empty or
     *     {@code /} when the endpoints sit at the root of a management server of their own
     * @param openPaths paths answered without a key
     * @param openPrefixes paths whose sub-paths are answered without a key (health groups and components)
     * @param adminKey the admin key, or null or blank for none
     */
    ActuatorAccessFilter(String basePath, Set<String> openPaths, Set<String> openPrefixes, String adminKey) {
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        this.openPaths = Set.copyOf(openPaths);
        this.openPrefixes = Set.copyOf(openPrefixes);
        this.adminKeyDigest = adminKey == null || adminKey.isBlank() ? null : sha256(adminKey.strip());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = pathWithinContext(request);
        return !basePath.isEmpty() && !path.equals(basePath) && !path.startsWith(basePath + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isOpen(request) || isAdmin(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // Bytes rather than a writer, so the container adds no charset to the media type.
        response.getOutputStream().write(UNAUTHORIZED_BODY);
    }

    private boolean isOpen(HttpServletRequest request) {
        String path = pathWithinContext(request);
        if (!request.getRequestURI().equals(request.getContextPath() + path) || path.contains("//")) {
            return false;
        }
        if (openPaths.contains(path)) {
            return true;
        }
        return openPrefixes.stream().anyMatch(prefix -> path.startsWith(prefix + "/"));
    }

    private boolean isAdmin(String authorization) {
        if (adminKeyDigest == null || authorization == null
                || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(adminKeyDigest, sha256(authorization.substring(BEARER.length()).strip()));
    }

    /** The decoded, normalized path after the context path, as the servlet container mapped it. */
    private static String pathWithinContext(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
