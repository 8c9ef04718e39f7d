package dev.dbcloud.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's HTTP API, as the CLI uses it. Answers are JSON trees; refusals become a {@link CliException}
 * with the problem in the CLI's words ({@link Refusals}) and the exit code its status stands for. Every mutation
 * carries a fresh {@code Idempotency-Key}, so a request retried after a lost connection never acts twice.
 */
final class Gateway {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int ATTEMPTS = 3;

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    Gateway(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) {
        return get(path, REQUEST_TIMEOUT);
    }

    /** Every item of a list ({@code {"items": [...], "next": cursor}}), following {@code next} page after page. */
    ArrayNode list(String path) {
        return list(path, "items");
    }

    /**
     * Every element of a paged answer's {@code field} (a list's {@code items}, a migration history's
     * {@code applied}), following {@code next} until it is null.
     */
    ArrayNode list(String path, String field) {
        ArrayNode all = JSON.createArrayNode();
        JsonNode page = get(path);
        page.path(field).valueStream().forEach(all::add);
        while (page.path("next").isString()) {
            String cursor = URLEncoder.encode(page.path("next").asString(), StandardCharsets.UTF_8);
            page = get(path + (path.contains("?") ? "&" : "?") + "cursor=" + cursor);
            page.path(field).valueStream().forEach(all::add);
        }
        return all;
    }

    /** A GET that may be held by the server for up to {@code hold} (a long poll). */
    JsonNode get(String path, Duration hold) {
        return send(request(path).GET().timeout(hold.plus(REQUEST_TIMEOUT)).build(), false);
    }

    JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), true);
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE().build(), true);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    private JsonNode send(HttpRequest request, boolean mutation) {
        if (mutation) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Idempotency-Key", UUID.randomUUID().toString()).build();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 429 && attempt < ATTEMPTS) {
                    // Too many requests of this tenant at once (long-polls, say): ask again a little later.
                    pause(attempt);
                    continue;
                }
                return answer(response);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                throw unreachable(e);
            } catch (IOException e) {
                // The request may or may not have arrived; its Idempotency-Key makes sending it again safe.
                if (attempt == ATTEMPTS) {
                    throw unreachable(e);
                }
                pause(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILED, "interrupted");
            }
        }
    }

    private JsonNode answer(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status < 300) {
            return body;
        }
        throw new CliException(exitCode(status), Refusals.describe(response.request().method(),
                response.request().uri().getPath(), status, body));
    }

    private static int exitCode(int status) {
        return switch (status) {
            case 400, 413 -> ExitCode.USAGE;
            case 401, 403 -> ExitCode.AUTHENTICATION;
            case 404 -> ExitCode.NOT_FOUND;
            case 502, 503, 504 -> ExitCode.UNREACHABLE;
            default -> ExitCode.FAILED;
        };
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    private CliException unreachable(Exception e) {
        String reason = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage()
                : e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
        return new CliException(ExitCode.UNREACHABLE, "cannot reach dbcloud at " + base + " (" + reason
                + "). Is it running? 'dbcloud login --url URL' points the CLI elsewhere.");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
