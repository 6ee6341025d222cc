package dev.edgefaas.testing;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.SampleFunctions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Small shell programs that misbehave in one precise way, written to a temporary directory. */
public final class Fixtures {
    /** Directories made here, removed when the test JVM exits: fixtures outlive the test that made them. */
    private static final Set<Path> MADE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Fixtures::deleteMade, "fixtures-cleanup"));
    }

    private Fixtures() {
    }

    /** A new empty directory under the system's temporary directory, removed when the JVM exits. */
    public static Path temporaryDirectory() throws IOException {
        Path directory = Files.createTempDirectory("edgefaas-fixture-");
        MADE.add(directory);
        return directory;
    }

    /** Writes an executable {@code #!/bin/sh} script with {@code body} and returns its path. */
    public static Path script(String name, String body) {
        try {
            Path directory = temporaryDirectory();
            Path script = directory.resolve(name);
            Files.writeString(script, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A manifest of the {@code binary} runtime for {@code executable} with extra members. */
    public static String binaryManifest(Path executable, String overrides) {
        return "{\"runtime\": \"binary\", \"artifact\": \"" + executable + "\""
                + (overrides.isBlank() ? "" : ", " + overrides) + "}";
    }

    /** A Node.js test function from {@code src/test/resources/fixtures}, copied to a directory of its own. */
    public static Path nodeFixture(String name) {
        try (var in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            Path directory = temporaryDirectory();
            Path script = directory.resolve("index.js");
            Files.copy(in, script);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A manifest of the {@code node} runtime for a fixture directory with extra members. */
    public static String nodeManifest(Path directory, String overrides) {
        return "{\"runtime\": \"node\", \"artifact\": \"" + directory + "\""
                + (overrides.isBlank() ? "" : ", " + overrides) + "}";
    }

    /** A Go test function from {@code functions/go/testing}, as built (a directory with {@code function}). */
    public static Path goFixture(String name) {
        return SampleFunctions.functionsDirectory().resolve("testing").resolve("go").resolve(name);
    }

    /** A manifest of the {@code go} runtime for a fixture directory with extra members. */
    public static String goManifest(Path directory, String overrides) {
        return "{\"runtime\": \"go\", \"artifact\": \"" + directory + "\""
                + (overrides.isBlank() ? "" : ", " + overrides) + "}";
    }

    /** The built Go binary of a sample, e.g. {@code hello}. */
    public static Path goSample(String name) {
        return SampleFunctions.functionsDirectory().resolve("go").resolve(name).resolve("function");
    }

    private static void deleteMade() {
        for (Path directory : MADE) {
            try {
                StateDirectory.deleteTree(directory);
            } catch (UncheckedIOException e) {
                // best effort at exit: a directory a sandbox still holds
            }
        }
    }
}
