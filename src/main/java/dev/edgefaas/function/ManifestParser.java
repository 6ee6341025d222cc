package dev.edgefaas.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a JSON manifest. Every rejection is a {@link ManifestException} that names the key and
 * says what would be accepted; unknown keys are rejected so that typos do not pass silently.
 */
public final class ManifestParser {
    static final Set<String> KEYS = Set.of("name", "runtime", "artifact", "sandbox", "keepalive",
            "concurrency", "single-use", "min-instances", "max-instances", "memory-mib", "vcpus", "env",
            "ready-timeout", "queue-timeout", "max-queue", "network", "command", "args", "port", "readiness", "workdir",
            "user", "image", "snapshot", "snapshot-prime");
    /** A manifest is one JSON object: what follows it (a second object, a stray brace) is an error, not ignored. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /**
     * The longest duration a manifest may give: durations become nanosecond counts added to clock
     * readings, and a year stays far from overflowing them.
     */
    private static final Duration MAX_DURATION = Duration.ofDays(365);

    private final ManifestDefaults defaults;

    public ManifestParser(ManifestDefaults defaults) {
        this.defaults = defaults;
    }

    /**
     * Parses {@code json} as the manifest of {@code name}.
     *
     * @param baseDirectory what a relative {@code artifact} path is resolved against
     */
    public FunctionManifest parse(String name, String json, Path baseDirectory) {
        ObjectNode root = readObject(json);
        rejectUnknownKeys(root);
        FunctionName functionName = new FunctionName(name);
        if (root.has("name") && !root.get("name").asText().equals(name)) {
            throw new ManifestException("name", "'" + root.get("name").asText() + "' differs from the name it is"
                    + " deployed under, '" + name + "'; remove the key or make them equal");
        }
        if (root.has("image")) {
            throw new ManifestException("image", "this node keeps no functions (it has no data directory), and an image"
                    + " is pulled into it; start serve with a --data-dir, or deploy the function's files as an artifact");
        }
        Runtime runtime = Runtime.fromKey(requiredText(root, "runtime"));
        Path artifact = resolveArtifact(runtime, requiredText(root, "artifact"), baseDirectory);
        int maxInstances = integer(root, "max-instances", ManifestDefaults.MAX_INSTANCES, 1, 10_000);
        return new FunctionManifest(
                functionName,
                runtime,
                artifact,
                text(root, "sandbox", defaults.sandbox()),
                duration(root, "keepalive", ManifestDefaults.KEEPALIVE, Duration.ZERO),
                integer(root, "concurrency", ManifestDefaults.CONCURRENCY, 1, 100_000),
                bool(root, "single-use"),
                integer(root, "min-instances", 0, 0, maxInstances),
                maxInstances,
                integer(root, "memory-mib", ManifestDefaults.MEMORY_MIB, ManifestDefaults.MIN_MEMORY_MIB,
                        defaults.hostMemoryMib()),
                vcpus(root),
                env(root),
                duration(root, "ready-timeout", ManifestDefaults.READY_TIMEOUT, Duration.ofMillis(100)),
                duration(root, "queue-timeout", ManifestDefaults.QUEUE_TIMEOUT, Duration.ZERO),
                integer(root, "max-queue", ManifestDefaults.MAX_QUEUE, 0, 100_000),
                network(root),
                LaunchSpecParser.parse(root),
                snapshot(root),
                snapshotPrime(root));
    }

    /** The name a manifest file declares, if any; used when deploying a file. */
    public static String declaredName(String json) {
        JsonNode name = readObject(json).get("name");
        return name == null ? null : name.asText();
    }

    private static ObjectNode readObject(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // A limit of the reader (nesting too deep, say) is reported without a location.
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ManifestException("manifest", "is not valid JSON: " + e.getOriginalMessage() + where);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new ManifestException("manifest", "must be a JSON object such as"
                    + " {\"runtime\": \"go\", \"artifact\": \"/path/to/binary\"}");
        }
        return object;
    }

    private static void rejectUnknownKeys(ObjectNode root) {
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            String key = property.getKey();
            if (!KEYS.contains(key)) {
                throw new ManifestException(key, "is not a manifest key; known keys are " + new TreeSet<>(KEYS));
            }
        }
    }

    private static Path resolveArtifact(Runtime runtime, String value, Path baseDirectory) {
        if (value.isBlank()) {
            throw new ManifestException("artifact", "is empty; give the path of the function's binary or script");
        }
        Path artifact;
        try {
            artifact = baseDirectory.resolve(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            // A NUL byte, for one: no file system path can hold it.
            throw new ManifestException("artifact", "is not a valid path (" + e.getReason() + "); give the path of the"
                    + " function's binary or script");
        }
        if (!Files.exists(artifact)) {
            throw new ManifestException("artifact", artifact + " does not exist; build it first"
                    + " (the sample functions are built by ./mvnw package)");
        }
        if (runtime == Runtime.IMAGE) {
            if (!Files.isDirectory(artifact)) {
                throw new ManifestException("artifact", "an image function's artifact is its root file system, a directory;"
                        + " deploy the image by its reference (\"image\") instead");
            }
            return artifact;
        }
        Path entryPoint = Files.isDirectory(artifact) ? artifact.resolve(runtime.defaultEntryPoint()) : artifact;
        if (!Files.isRegularFile(entryPoint)) {
            throw new ManifestException("artifact", "directory " + artifact + " has no " + runtime.defaultEntryPoint()
                    + ", the entry point of a " + runtime.key() + " function");
        }
        if (runtime != Runtime.NODE && !Files.isExecutable(entryPoint)) {
            throw new ManifestException("artifact", entryPoint + " is not executable; chmod +x it");
        }
        return artifact;
    }

    private static String requiredText(ObjectNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw new ManifestException(key, "is required");
        }
        if (!node.isTextual()) {
            throw new ManifestException(key, "must be a string, got " + node);
        }
        return node.asText();
    }

    private static String text(ObjectNode root, String key, String fallback) {
        return root.has(key) ? requiredText(root, key) : fallback;
    }

    private static boolean bool(ObjectNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new ManifestException(key, "must be true or false, got " + node);
        }
        return node.asBoolean();
    }

    private static int integer(ObjectNode root, String key, int fallback, long min, long max) {
        JsonNode node = root.get(key);
        if (node == null) {
            return fallback;
        }
        // canConvertToLong: asLong() keeps only the low 64 bits of a bigger number, which may fall in range.
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw new ManifestException(key, "must be a whole number from " + min + " to " + max + ", got " + node);
        }
        return node.asInt();
    }

    private double vcpus(ObjectNode root) {
        JsonNode node = root.get("vcpus");
        if (node == null) {
            return ManifestDefaults.VCPUS;
        }
        if (!node.isNumber() || node.asDouble() < 0.01 || node.asDouble() > defaults.hostCpus()) {
            throw new ManifestException("vcpus", "must be a number from 0.01 to " + defaults.hostCpus()
                    + " (this host's cores), got " + node);
        }
        return node.asDouble();
    }

    private static Duration duration(ObjectNode root, String key, Duration fallback, Duration min) {
        JsonNode node = root.get(key);
        if (node == null) {
            return fallback;
        }
        Duration value;
        if (node.isNumber()) {
            value = Duration.ofMillis(Math.round(node.asDouble() * 1000));
        } else if (node.isTextual()) {
            value = Durations.parse(key, node.asText());
        } else {
            throw new ManifestException(key, "must be a duration such as \"30s\" or a number of seconds, got " + node);
        }
        if (value.compareTo(min) < 0) {
            throw new ManifestException(key, "must be at least " + Durations.format(min) + ", got " + node);
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new ManifestException(key, "must be at most " + Durations.format(MAX_DURATION) + ", got " + node);
        }
        return value;
    }

    private static FunctionManifest.Network network(ObjectNode root) {
        String value = text(root, "network", FunctionManifest.Network.ISOLATED.key());
        for (FunctionManifest.Network network : FunctionManifest.Network.values()) {
            if (network.key().equals(value)) {
                return network;
            }
        }
        throw new ManifestException("network", "'" + value + "' is not a network mode; use isolated or host");
    }

    private static FunctionManifest.Snapshot snapshot(ObjectNode root) {
        String value = text(root, "snapshot", FunctionManifest.Snapshot.AUTO.key());
        for (FunctionManifest.Snapshot snapshot : FunctionManifest.Snapshot.values()) {
            if (snapshot.key().equals(value)) {
                return snapshot;
            }
        }
        throw new ManifestException("snapshot", "'" + value + "' is not a snapshot mode; use auto (restore where the"
                + " sandbox can) or off (always boot)");
    }

    private static FunctionManifest.SnapshotPrime snapshotPrime(ObjectNode root) {
        String value = text(root, "snapshot-prime", "options");
        if (value.equals("options")) {
            return FunctionManifest.SnapshotPrime.OPTIONS;
        }
        if (value.equals("off")) {
            return FunctionManifest.SnapshotPrime.OFF;
        }
        // A request target goes on the request line as it is: a space or a control character would end or break it.
        if (value.startsWith("/") && value.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            return FunctionManifest.SnapshotPrime.get(value);
        }
        throw new ManifestException("snapshot-prime", "'" + value + "' is not a priming request; use options"
                + " (OPTIONS *, the default), off (none) or a path to GET such as \"/warm\" (no spaces,"
                + " percent-encode anything but visible ASCII)");
    }

    private static Map<String, String> env(ObjectNode root) {
        JsonNode node = root.get("env");
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ManifestException("env", "must be an object of strings, e.g. {\"LOG_LEVEL\": \"debug\"}");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ManifestException("env", "'" + field.getKey() + "' is not a variable name;"
                        + " use letters, digits and '_'");
            }
            if (field.getKey().equals("PORT") || field.getKey().startsWith("EDGEFAAS_")) {
                throw new ManifestException("env", field.getKey() + " is set by the platform; choose another name");
            }
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new ManifestException("env", field.getKey() + " must be a string, got " + field.getValue());
            }
            String value = field.getValue().asText();
            if (value.indexOf('\0') >= 0) {
                // No process environment can hold a NUL; without this check the start would fail instead.
                throw new ManifestException("env", field.getKey() + " has a NUL character, which no environment can hold");
            }
            env.put(field.getKey(), value);
        }
        return env;
    }
}
