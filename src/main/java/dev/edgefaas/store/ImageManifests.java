package dev.edgefaas.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.image.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest that names an {@code image} turned into one of runtime {@code image} whose
 * artifact is the image's unpacked root file system, with the image's configuration filled in
 * where the manifest says nothing, as Kubernetes does: {@code command} replaces the image's
 * Entrypoint, {@code args} its Cmd; Env joins the manifest's {@code env} (which wins); a single
 * exposed port is the {@code port}; WorkingDir and User become {@code workdir} and {@code user};
 * readiness is {@code tcp} unless the manifest says otherwise.
 */
final class ImageManifests {
    private ImageManifests() {
    }

    static ObjectNode resolve(ObjectNode given, ImageConfig config, Path rootfs) {
        ObjectNode manifest = given.deepCopy();
        manifest.remove("image");
        manifest.put("runtime", "image");
        manifest.put("artifact", rootfs.toString());

        List<String> command = given.has("command") ? strings(given.get("command")) : config.entrypoint();
        List<String> args = given.has("args") ? strings(given.get("args")) : given.has("command") ? List.of() : config.cmd();
        if (command.isEmpty()) {
            command = args;
            args = List.of();
        }
        if (command.isEmpty()) {
            throw new ManifestException("image", "has neither Entrypoint nor Cmd; give the manifest a command");
        }
        manifest.set("command", array(manifest, command));
        manifest.set("args", array(manifest, args));

        if (given.has("env") && !given.get("env").isObject()) {
            throw new ManifestException("env", "must be an object of strings, e.g. {\"LOG_LEVEL\": \"debug\"}");
        }
        ObjectNode env = manifest.putObject("env");
        for (String variable : config.env()) {
            int equals = variable.indexOf('=');
            String key = equals > 0 ? variable.substring(0, equals) : variable;
            // The contract's names are the platform's to set, whatever the image says.
            if (equals > 0 && key.matches("[A-Za-z_][A-Za-z0-9_]*") && !key.equals("PORT") && !key.startsWith("EDGEFAAS_")) {
                env.put(key, variable.substring(equals + 1));
            }
        }
        given.path("env").properties().forEach(entry -> env.set(entry.getKey(), entry.getValue()));

        if (!given.has("port") && config.exposedPorts().size() == 1) {
            manifest.put("port", config.exposedPorts().getFirst());
        }
        if (!given.has("readiness")) {
            manifest.put("readiness", "tcp");
        }
        if (!given.has("workdir") && !config.workingDir().isEmpty()) {
            manifest.put("workdir", config.workingDir());
        }
        if (!given.has("user") && !config.user().isEmpty()) {
            manifest.put("user", numericUser(config.user(), rootfs));
        }
        return manifest;
    }

    /** {@code name[:group]} or numbers as {@code uid:gid}, names looked up in the image's own passwd and group files. */
    static String numericUser(String user, Path rootfs) {
        String[] parts = user.split(":", 2);
        String uid = parts[0].matches("\\d+") ? parts[0] : lookUp(rootfs.resolve("etc/passwd"), parts[0], 2, user);
        String gid = parts.length > 1
                ? (parts[1].matches("\\d+") ? parts[1] : lookUp(rootfs.resolve("etc/group"), parts[1], 2, user))
                : parts[0].matches("\\d+") ? parts[0] : lookUp(rootfs.resolve("etc/passwd"), parts[0], 3, user);
        return uid + ":" + gid;
    }

    private static String lookUp(Path file, String name, int field, String user) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.split(":");
                if (fields.length > field && fields[0].equals(name)) {
                    return fields[field];
                }
            }
        } catch (IOException e) {
            // Reported below: the image names a user its root file system does not define.
        }
        throw new ManifestException("user", "the image runs as '" + user + "', which its /etc/passwd or /etc/group does not"
                + " define; give the manifest a numeric user (uid:gid)");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (!array.isArray()) {
            throw new ManifestException("command", "command and args must be arrays of strings, got " + array);
        }
        array.forEach(element -> values.add(element.asText()));
        return values;
    }

    private static ArrayNode array(ObjectNode factory, List<String> values) {
        ArrayNode array = factory.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
