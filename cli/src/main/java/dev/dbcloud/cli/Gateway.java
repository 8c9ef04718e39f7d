package dev.dbcloud.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The control plane's HTTP API, as the CLI uses it. Answers are JSON trees; refusals become a {@link CliException}
 * with the problem in the CLI's words ({@link Refusals}) and the exit code its status stands for. Every mutation
 * carries a fresh {@code Idempotency-Key}, so a request retried after a lost connection never acts twice.
 *
 * <p>The transport is the JDK's {@link HttpURLConnection}, not its {@code HttpClient}: a command line sends a request or
 * two and exits, and {@code HttpClient} costs it some 400 classes more at start (its selector thread and a TLS context
 * even for {@code http://}). No proxy is used, redirects are not followed, and {@code https://} URLs get the JDK's
 * certificate and host-name checks, as with {@code HttpClient}'s defaults.
 */
final class Gateway {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int ATTEMPTS = 3;

    private final URI base;
    private final String apiKey;

    Gateway(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
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
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
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
        return send("GET", path, null, hold.plus(REQUEST_TIMEOUT));
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, Json.mapper().writeValueAsBytes(body), REQUEST_TIMEOUT);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null, REQUEST_TIMEOUT);
    }

    /** A POST or DELETE is a mutation: it carries an {@code Idempotency-Key}, the same for each attempt. */
    private JsonNode send(String method, String path, byte[] body, Duration timeout) {
        URI uri = base.resolve(path);
        String idempotencyKey = "GET".equals(method) ? null : UUID.randomUUID().toString();
        for (int attempt = 1; ; attempt++) {
            HttpURLConnection connection = connect(method, uri, body, idempotencyKey, timeout);
            try {
                int status = exchange(connection, body);
                if (status == 429 && attempt < ATTEMPTS) {
                    // Too many requests of this tenant at once (long-polls, say): ask again a little later.
                    connection.disconnect();
                    pause(attempt);
                    continue;
                }
                return answer(method, uri, status, read(connection, status));
            } catch (SocketTimeoutException e) {
                // The answer did not come in time: as HttpClient's request timeout, a failure worth another try.
                if (attempt == ATTEMPTS) {
                    throw unreachable("request timed out");
                }
                pause(attempt);
            } catch (IOException e) {
                // The request may or may not have arrived; its Idempotency-Key makes sending it again safe.
                if (attempt == ATTEMPTS) {
                    throw unreachable(e);
                }
                pause(attempt);
            }
        }
    }

    /**
     * A connection for one attempt, made (for https, its TLS handshake done) before anything is sent: a server that
     * refuses or cannot be found, or does not take the connection in time, is unreachable at once, without retrying.
     * A failed handshake is an {@link IOException} of the attempt, tried again as before.
     */
    private HttpURLConnection connect(String method, URI uri, byte[] body, String idempotencyKey, Duration timeout) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setRequestProperty("Accept", "application/json, application/problem+json");
            if (apiKey != null) {
                connection.setRequestProperty("Authorization", "Bearer " + apiKey);
            }
            if (idempotencyKey != null) {
                connection.setRequestProperty("Idempotency-Key", idempotencyKey);
            }
            if (body != null) {
                connection.setRequestProperty("Content-Type", "application/json");
                connection.setDoOutput(true);
            }
            return connection;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** Sends the request; answers the status. Connecting fails as {@link #unreachable} without another try. */
    private int exchange(HttpURLConnection connection, byte[] body) throws IOException {
        try {
            connection.connect();
        } catch (ConnectException | UnknownHostException e) {
            // As HttpClient had it: no reason from the JDK, the same words for both.
            throw unreachable("connection refused");
        } catch (SocketTimeoutException e) {
            throw unreachable("HTTP connect timed out");
        }
        if (body != null) {
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        return connection.getResponseCode();
    }

    /** The answer's body, a refusal's too; empty when there is none. */
    private static String read(HttpURLConnection connection, int status) throws IOException {
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private JsonNode answer(String method, URI uri, int status, String response) {
        JsonNode body = parse(response);
        if (status < 300) {
            return body;
        }
        throw new CliException(exitCode(status), Refusals.describe(method, uri.getPath(), status, body));
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
            return JsonNodeFactory.instance.missingNode();
        }
        try {
            return JsonTree.read(body);
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.missingNode();
        }
    }

    private CliException unreachable(IOException e) {
        return unreachable(e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage()
                : e.getClass().getSimpleName());
    }

    private CliException unreachable(String reason) {
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
