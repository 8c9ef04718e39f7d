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

/**
 * status-service's query API as the gateway's tests need it: each path a test set answers its JSON, and every other
 * path 404 {@code instance_not_found}, as status-service answers while its read model knows nothing of the instance.
 * Tests own their instance names, so the answers of one never show in another.
 */
public final class StatusStub {

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();

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
        answers.put(path, json);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            String json = exchange.getRequestMethod().equals("GET") ? answers.get(exchange.getRequestURI().getPath()) : null;
            byte[] body = (json != null ? json
                    : "{\"status\":404,\"title\":\"Not Found\",\"code\":\"instance_not_found\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    json != null ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(json != null ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
        } finally {
            exchange.close();
        }
    }
}
