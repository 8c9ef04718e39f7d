package dev.dbcloud.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Writes an RFC 9457 problem with a stable {@code code} where no Spring MVC handler runs: in the security filter
 * chain and in the servlet container. Callers pass constant texts only, never request values.
 */
public final class ProblemJson {

    private ProblemJson() {
    }

    public static void write(HttpServletResponse response, HttpStatus status, String code, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // Bytes rather than a writer, so the container adds no charset to the media type.
        response.getOutputStream().write(body(status, code, detail).getBytes(StandardCharsets.UTF_8));
    }

    static String body(HttpStatus status, String code, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"" + escape(status.getReasonPhrase()) + "\",\"status\":"
                + status.value() + ",\"code\":\"" + escape(code) + "\",\"detail\":\"" + escape(detail) + "\"}";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
