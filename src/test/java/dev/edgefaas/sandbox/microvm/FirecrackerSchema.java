package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Definitions of Firecracker's published API schema ({@code src/firecracker/swagger/firecracker.yaml}),
 * transcribed by the tests that use them, and the check of a JSON value against one: Firecracker
 * cannot run here, so this is what stands between us and a body it would refuse.
 *
 * @param properties each property's JSON type: string, boolean, integer, object or array
 * @param required   the properties it must have
 */
record FirecrackerSchema(Map<String, String> properties, Set<String> required) {

    /**
     * Adds to {@code violations} what of {@code value}, at {@code where}, breaks {@code name} of
     * {@code definitions}: a missing required property, an unknown one, one of another type.
     */
    static void check(Map<String, FirecrackerSchema> definitions, String name, JsonNode value, String where,
                      List<String> violations) {
        FirecrackerSchema definition = definitions.get(name);
        for (String required : definition.required()) {
            if (!value.has(required)) {
                violations.add(where + ": " + name + " requires '" + required + "'");
            }
        }
        value.fieldNames().forEachRemaining(field -> {
            String type = definition.properties().get(field);
            if (type == null) {
                violations.add(where + ": " + name + " has no property '" + field + "'");
            } else if (!hasType(value.get(field), type)) {
                violations.add(where + "." + field + ": not a " + type);
            }
        });
    }

    private static boolean hasType(JsonNode node, String type) {
        return switch (type) {
            case "string" -> node.isTextual();
            case "boolean" -> node.isBoolean();
            case "integer" -> node.isIntegralNumber();
            case "object" -> node.isObject();
            case "array" -> node.isArray();
            default -> false;
        };
    }
}
