package dev.edgefaas.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** JSON error bodies, the same shape on every listener: {@code {"error": "...", "status": N}}. */
public final class ErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {
    }

    public static void send(ServerResponse response, int status, String message) {
        ObjectNode body = JSON.createObjectNode().put("error", message).put("status", status);
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
