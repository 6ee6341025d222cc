package dev.edgefaas.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An OSv build: a directory holding its kernel, {@code loader-stripped.elf} (booted directly by
 * QEMU), and optionally {@code libenviron.so}. Found where {@code EDGEFAAS_OSV} (or
 * {@code -Dedgefaas.osv.dir}) says, else in the newest directory under {@code /opt/osv/}.
 */
public record OsvToolchain(Path directory, String version) {
    private static final String LOADER = "loader-stripped.elf";

    public Path loader() {
        return directory.resolve(LOADER);
    }

    /** OSv's {@code libenviron.so}, which its own images carry at {@code /}; empty if the build has none. */
    Optional<Path> libenviron() {
        Path path = directory.resolve("libenviron.so");
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    public static Optional<OsvToolchain> find() {
        for (Path candidate : candidates()) {
            if (Files.isRegularFile(candidate.resolve(LOADER))) {
                return Optional.of(new OsvToolchain(candidate, candidate.getFileName().toString()));
            }
        }
        return Optional.empty();
    }

    public static String whereLooked() {
        return "EDGEFAAS_OSV=" + configured().map(Path::toString).orElse("(unset)") + ", /opt/osv/<version>/ (a directory with "
                + LOADER + ")";
    }

    private static List<Path> candidates() {
        Optional<Path> configured = configured();
        if (configured.isPresent()) {
            return List.of(configured.get());
        }
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/opt/osv")));
        if (Files.isDirectory(Path.of("/opt/osv"))) {
            try (Stream<Path> children = Files.list(Path.of("/opt/osv"))) {
                children.filter(Files::isDirectory)
                        .sorted(Comparator.comparing(OsvToolchain::modified).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                // Nothing more to look at.
            }
        }
        return candidates;
    }

    private static Optional<Path> configured() {
        String value = System.getProperty("edgefaas.osv.dir", System.getenv("EDGEFAAS_OSV"));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
    }

    private static long modified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
