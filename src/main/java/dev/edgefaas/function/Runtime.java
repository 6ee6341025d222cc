package dev.edgefaas.function;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The language runtime a function's artifact needs; decides how an instance is launched. */
public enum Runtime {
    /** A statically linked Go binary (CGO_ENABLED=0). Entry point: the file, or {@code function} in the directory. */
    GO("go", "function"),
    /** A Node.js script run by the host's {@code node}. Entry point: the file, or {@code index.js} in the directory. */
    NODE("node", "index.js"),
    /** Any executable the host can run; for the process sandbox and tests. */
    BINARY("binary", "function"),
    /**
     * A container image's root file system (the artifact, a directory) with its own command; made
     * by a deploy that names an {@code image}, never written by hand.
     */
    IMAGE("image", "");

    private final String key;
    private final String defaultEntryPoint;

    Runtime(String key, String defaultEntryPoint) {
        this.key = key;
        this.defaultEntryPoint = defaultEntryPoint;
    }

    public String key() {
        return key;
    }

    /** File name of the entry point when the artifact is a directory. */
    public String defaultEntryPoint() {
        return defaultEntryPoint;
    }

    public static Runtime fromKey(String key) {
        for (Runtime runtime : values()) {
            if (runtime.key.equals(key)) {
                return runtime;
            }
        }
        throw new ManifestException("runtime", "'" + key + "' is not a runtime; use one of " + keys());
    }

    public static String keys() {
        return Arrays.stream(values()).map(Runtime::key).collect(Collectors.joining(", "));
    }
}
