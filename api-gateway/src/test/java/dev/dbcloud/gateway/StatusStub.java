package dev.dbcloud.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * status-service's query API as the gateway's tests need it: each path a test set answers its JSON, and every other
 * path 404 {@code instance_not_found}, as status-service answers while its read model knows nothing of the instance.
 * Tests own their instance names, so the answers of one never show in another.
 */
public final class StatusStub {

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, String> queries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private StatusStub(HttpServer server) {
        this.server = server;
    }

    /** Listens on a free loopback port until the test JVM exits. */
    static StatusStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StatusStub stub = new StatusStub(server);
            server.createContext("/", stub::answer);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "status-stub-stop"));
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** From now on, a GET of {@code path} (such as {@code /internal/tenants/acme/operations/<id>}) answers {@code json}. */
    public void answer(String path, String json) {
        answer(path, 200, json);
    }

    /** From now on, a GET of {@code path} answers {@code status} with {@code json} (a problem, for a 4xx or 5xx). */
    public void answer(String path, int status, String json) {
        statuses.put(path, status);
        answers.put(path, json);
    }

    /** The query string of the latest GET of {@code path}; empty when it had none or there was none. */
    public String lastQuery(String path) {
        return queries.getOrDefault(path, "");
    }

    /** How many requests of {@code path} came so far. */
    public int requests(String path) {
        return requests.getOrDefault(path, new AtomicInteger()).get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, counted -> new AtomicInteger()).incrementAndGet();
            String json = exchange.getRequestMethod().equals("GET") ? answers.get(path) : null;
            int status = json != null ? statuses.get(path) : 404;
            if (exchange.getRequestURI().getRawQuery() != null) {
                queries.put(path, exchange.getRequestURI().getRawQuery());
            }
            byte[] body = (json != null ? json
                    : "{\"status\":404,\"title\":\"Not Found\",\"code\":\"instance_not_found\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    status == 200 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } finally {
            exchange.close();
        }
    }
}
