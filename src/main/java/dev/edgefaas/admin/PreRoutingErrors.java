package dev.edgefaas.admin;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;

/**
 * What the management listener answers to a request Helidon refuses before it reaches the
 * routes (a malformed escape in the path, a request target too long) and to a route that threw:
 * JSON, {@code {"error": ..., "status": N}}, as every other error of the API, naming the request.
 * Helidon passes only messages it deems safe to show; for the others the status says what it can.
 */
public final class PreRoutingErrors implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String what = request.method().isEmpty() ? "the request" : request.method() + " " + request.path();
        String problem = message != null && !message.isBlank() ? message
                : status.code() == Status.BAD_REQUEST_400.code() ? status.reasonPhrase() + ": the request line or a header"
                + " field is malformed, e.g. a '%' in the target not followed by two hexadecimal digits"
                : status.reasonPhrase();
        byte[] body = Json.MAPPER.createObjectNode()
                .put("error", what + ": " + problem)
                .put("status", status.code())
                .toString().getBytes(StandardCharsets.UTF_8);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .entity(body)
                .build();
    }
}
