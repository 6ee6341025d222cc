package dev.edgefaas.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The manifest's {@code command}, {@code args}, {@code port} and {@code readiness}, with field-named errors. */
final class LaunchSpecParser {
    private LaunchSpecParser() {
    }

    static LaunchSpec parse(ObjectNode root) {
        List<String> command = strings(root, "command");
        if (!command.isEmpty() && command.getFirst().isBlank()) {
            throw new ManifestException("command", "its first element is the program to run and cannot be empty");
        }
        int port = 0;
        JsonNode portNode = root.get("port");
        if (portNode != null) {
            if (!portNode.isIntegralNumber() || !portNode.canConvertToLong() || portNode.asLong() < 1
                    || portNode.asLong() > 65_535) {
                throw new ManifestException("port", "must be a whole number from 1 to 65535 (the port the app listens"
                        + " on), got " + portNode);
            }
            port = portNode.asInt();
        }
        JsonNode readiness = root.get("readiness");
        if (readiness != null && !readiness.isTextual()) {
            throw new ManifestException("readiness", "must be a string: callback, tcp or http:/path; got " + readiness);
        }
        return new LaunchSpec(command, strings(root, "args"), port,
                readiness == null ? ReadinessCheck.CALLBACK : ReadinessCheck.parse(readiness.asText()),
                text(root, "workdir"), text(root, "user"));
    }

    private static String text(ObjectNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null) {
            return "";
        }
        if (!node.isTextual()) {
            throw new ManifestException(key, "must be a string, got " + node);
        }
        return node.asText();
    }

    /** An array of strings; each one line (a guest's init reads argv a line each) and NUL-free. */
    private static List<String> strings(ObjectNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ManifestException(key, "must be an array of strings, e.g. [\"--port\", \"{port}\"]; got " + node);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new ManifestException(key, "must hold only strings, got " + element);
            }
            String value = element.asText();
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                throw new ManifestException(key, "element " + values.size() + " has a line break or NUL, which no"
                        + " argument list can carry to every sandbox");
            }
            values.add(value);
        }
        return values;
    }
}
