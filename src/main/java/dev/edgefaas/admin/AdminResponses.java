package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** The management API's answers: JSON, and errors that name the field at fault. */
final class AdminResponses {
    private AdminResponses() {
    }

    static void json(ServerResponse response, int status, JsonNode body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode notFound(String name) {
        return Json.MAPPER.createObjectNode()
                .put("error", "no function named '" + name + "' is deployed").put("status", 404);
    }

    /** 400 saying what is wrong with {@code field} and how to put it right. */
    static void badRequest(ServerResponse response, String field, String problem) {
        fieldError(response, field, field + ": " + problem);
    }

    /** 400 naming {@code field}, with {@code message} as it is, e.g. a {@code ManifestException}'s. */
    static void fieldError(ServerResponse response, String field, String message) {
        json(response, 400, Json.MAPPER.createObjectNode().put("error", message).put("field", field).put("status", 400));
    }
}
