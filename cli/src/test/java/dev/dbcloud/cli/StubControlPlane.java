package dev.dbcloud.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * A control plane on a free local port that answers what a test scripted, by method and path, and records every
 * request it gets. A request nothing was scripted for gets 404 with a problem naming it, so a test that forgot one
 * fails with a clear message rather than hanging.
 */
final class StubControlPlane implements AutoCloseable {

    /** One request as it arrived: the path without its query, which is kept apart. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0)).findFirst().orElse(null);
        }

        JsonNode json() {
            return Json.mapper().readTree(body);
        }
    }

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private StubControlPlane(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    static StubControlPlane start() {
        try {
            return new StubControlPlane(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Answers every later {@code method path} with {@code status} and the JSON {@code body}: whatever its query, unless
     * {@code path} has one ({@code /v1/keys?cursor=abc}), which then only that query gets.
     */
    StubControlPlane answer(String method, String path, int status, String body) {
        answers.put(method + " " + path, new Answer(status, body));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests sent with {@code method} to {@code path}. */
    List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            String query = exchange.getRequestURI().getRawQuery();
            Answer answer = query != null && answers.containsKey(exchange.getRequestMethod() + " " + path + "?" + query)
                    ? answers.get(exchange.getRequestMethod() + " " + path + "?" + query)
                    : answers.getOrDefault(exchange.getRequestMethod() + " " + path, new Answer(404,
                    "{\"status\":404,\"code\":\"NOT_SCRIPTED\",\"detail\":\"The stub has no answer for "
                            + exchange.getRequestMethod() + " " + path + ".\"}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    answer.status() < 400 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
