package dev.edgefaas.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.http.HeaderField;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** JSON error bodies, the same shape on every listener: {@code {"error": "...", "status": N}}. */
public final class ErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<HeaderField> JSON_FIELDS = List.of(new HeaderField("Content-Type", "application/json"));
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(202, "Accepted"), Map.entry(400, "Bad Request"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(414, "URI Too Long"),
            Map.entry(413, "Content Too Large"), Map.entry(417, "Expectation Failed"),
            Map.entry(429, "Too Many Requests"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(505, "HTTP Version Not Supported"));

    private ErrorResponses() {
    }

    /** On the Helidon listeners (management, callbacks). */
    public static void send(ServerResponse response, int status, String message) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body(status, message));
    }

    /** On the invocation listener. */
    static void send(ClientResponse response, int status, String message) throws ClientSideException {
        send(response, status, message, List.of());
    }

    /**
     * On the invocation listener, where the connection's event loop writes: a client that went
     * away is noticed by its connection closing, so a failed write needs no handling here.
     */
    static void sendQuietly(ClientResponse response, int status, String message, List<HeaderField> extra) {
        try {
            send(response, status, message, extra);
        } catch (ClientSideException e) {
            // The connection's close tells the rest.
        }
    }

    static void sendQuietly(ClientResponse response, int status, String message) {
        sendQuietly(response, status, message, List.of());
    }

    /** {@code Retry-After} in whole seconds, at least one; none if {@code wait} is zero (waiting will not help). */
    static List<HeaderField> retryAfter(Duration wait) {
        return wait.isZero() ? List.of()
                : List.of(new HeaderField("Retry-After", Long.toString(Math.max(1, wait.toSeconds()))));
    }

    /** On the invocation listener, with extra fields such as {@code Retry-After}. */
    static void send(ClientResponse response, int status, String message, List<HeaderField> extra) throws ClientSideException {
        List<HeaderField> fields = extra.isEmpty() ? JSON_FIELDS
                : Stream.concat(JSON_FIELDS.stream(), extra.stream()).toList();
        response.send(status, REASONS.getOrDefault(status, ""), fields, body(status, message));
    }

    private static byte[] body(int status, String message) {
        ObjectNode body = JSON.createObjectNode().put("error", message).put("status", status);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
