package dev.edgefaas.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reading the queue's own JSON files, where a missing key means a damaged file. */
final class AsyncJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private AsyncJson() {
    }

    static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value.asText();
    }
}
