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
 * A Nanos toolchain as {@code ops} keeps one: a directory holding {@code kernel.img},
 * {@code boot.img} and {@code mkfs}. Found, in this order, where {@code EDGEFAAS_NANOS} (or
 * {@code -Dedgefaas.nanos.dir}) says, else in the newest version directory under
 * {@code /opt/nanos/} or {@code ~/.ops/}.
 *
 * @param version the directory's name where it is a version (ops: {@code 0.1.55}), else its path
 */
public record NanosToolchain(Path directory, String version) {
    private static final List<String> FILES = List.of("kernel.img", "boot.img", "mkfs");

    public Path kernel() {
        return directory.resolve("kernel.img");
    }

    public Path bootImage() {
        return directory.resolve("boot.img");
    }

    public Path mkfs() {
        return directory.resolve("mkfs");
    }

    public static Optional<NanosToolchain> find() {
        for (Path candidate : candidates()) {
            if (complete(candidate)) {
                return Optional.of(new NanosToolchain(candidate, candidate.getFileName().toString()));
            }
        }
        return Optional.empty();
    }

    /** Where {@link #find} looks, for {@code doctor} and errors. */
    public static String whereLooked() {
        return "EDGEFAAS_NANOS=" + configured().map(Path::toString).orElse("(unset)") + ", /opt/nanos/<version>/, "
                + home().resolve(".ops") + "/<version>/ (a directory with " + String.join(", ", FILES) + ")";
    }

    private static List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        Optional<Path> configured = configured();
        if (configured.isPresent()) {
            candidates.add(configured.get());
            return candidates;
        }
        for (Path parent : List.of(Path.of("/opt/nanos"), home().resolve(".ops"))) {
            candidates.add(parent);
            candidates.addAll(newestFirst(parent));
        }
        return candidates;
    }

    private static Optional<Path> configured() {
        String value = System.getProperty("edgefaas.nanos.dir", System.getenv("EDGEFAAS_NANOS"));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home", "/root"));
    }

    private static List<Path> newestFirst(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(Files::isDirectory).sorted(Comparator.comparing(NanosToolchain::modified).reversed()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long modified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean complete(Path directory) {
        return FILES.stream().allMatch(file -> Files.isRegularFile(directory.resolve(file)))
                && Files.isExecutable(directory.resolve("mkfs"));
    }
}
