package dev.edgefaas.image;

import java.nio.file.Path;

/**
 * Where the project's build put what it made of {@code functions/}: the sample functions, the
 * test fixtures and the microVM guest's init. Images read their inputs from here.
 */
public final class BuildOutput {
    /** Set by the launcher and the test runner to the build's output of {@code functions/}. */
    public static final String FUNCTIONS_DIR_PROPERTY = "edgefaas.functions.dir";

    private BuildOutput() {
    }

    /** The system property, else {@code target/functions}. */
    public static Path functionsDirectory() {
        String configured = System.getProperty(FUNCTIONS_DIR_PROPERTY);
        return (configured != null ? Path.of(configured) : Path.of("target", "functions")).toAbsolutePath();
    }
}
