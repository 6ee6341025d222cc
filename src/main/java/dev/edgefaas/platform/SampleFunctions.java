package dev.edgefaas.platform;

import dev.edgefaas.image.BuildOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's sample functions, deployed by {@code serve} unless {@code --no-samples}. Their
 * manifests ship in the jar; their artifacts are built by the project's build into the
 * functions directory.
 */
public final class SampleFunctions {
    public static final List<String> NAMES =
            List.of("hello-go", "hello-node", "fib-go", "matrix-go", "alloc-go", "read-go", "static-go");
    /** Set by the launcher and the test runner to the build's output of {@code functions/}. */
    public static final String FUNCTIONS_DIR_PROPERTY = BuildOutput.FUNCTIONS_DIR_PROPERTY;

    private SampleFunctions() {
    }

    /** Where the built sample artifacts are: the system property, else {@code target/functions}. */
    public static Path functionsDirectory() {
        return BuildOutput.functionsDirectory();
    }

    /** The manifest JSON of each sample by name; artifact paths are relative to {@link #functionsDirectory()}. */
    public static Map<String, String> manifests() {
        Map<String, String> manifests = new LinkedHashMap<>();
        for (String name : NAMES) {
            manifests.put(name, manifest(name));
        }
        return manifests;
    }

    public static String manifest(String name) {
        try (InputStream in = SampleFunctions.class.getResourceAsStream("/samples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no sample function named " + name + "; samples are " + NAMES);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the sample artifacts have been built. */
    public static boolean built() {
        return Files.isDirectory(functionsDirectory().resolve("go"));
    }
}
