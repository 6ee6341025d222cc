package dev.edgefaas.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.http.HeaderField;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An accepted asynchronous invocation as the client sent it, kept until it has run: what to ask
 * the function (method, the path and query below the function, end-to-end header fields; the
 * body is a file beside it) and where its result goes.
 *
 * @param target    the raw path and query below {@code /function/NAME}, byte for byte as they came
 * @param bodyBytes the size of the body file
 */
public record AsyncRequest(String id, String function, String method, String target, List<HeaderField> fields,
                           Optional<URI> callback, Instant acceptedAt, long bodyBytes) {

    public AsyncRequest {
        fields = List.copyOf(fields);
    }

    ObjectNode toJson() {
        ObjectNode node = AsyncJson.MAPPER.createObjectNode()
                .put("id", id).put("function", function).put("method", method).put("target", target)
                .put("accepted-at", acceptedAt.toString()).put("body-bytes", bodyBytes);
        callback.ifPresent(url -> node.put("callback", url.toString()));
        var array = node.putArray("fields");
        for (HeaderField field : fields) {
            array.addObject().put("name", field.name()).put("value", field.value());
        }
        return node;
    }

    static AsyncRequest fromJson(JsonNode node) {
        List<HeaderField> fields = new ArrayList<>();
        for (JsonNode field : node.path("fields")) {
            fields.add(new HeaderField(field.path("name").asText(), field.path("value").asText()));
        }
        return new AsyncRequest(AsyncJson.text(node, "id"), AsyncJson.text(node, "function"), AsyncJson.text(node, "method"),
                AsyncJson.text(node, "target"), fields,
                node.hasNonNull("callback") ? Optional.of(URI.create(node.get("callback").asText())) : Optional.empty(),
                Instant.parse(AsyncJson.text(node, "accepted-at")), node.path("body-bytes").asLong());
    }
}
