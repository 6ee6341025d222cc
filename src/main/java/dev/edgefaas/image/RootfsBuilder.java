package dev.edgefaas.image;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds the read-only root file system of a function's containers: only what it needs (the
 * artifact under {@code /app}; for Node.js also {@code node} and the shared libraries it loads),
 * plus empty mount points. Built once per function version into a directory named after the
 * digest of its content, and shared by every container of that version.
 *
 * <p>Reproducible: the same artifact gives the same tree, the same modes, the same bytes and
 * the same timestamps, so the same digest.
 */
public final class RootfsBuilder {
    /** Where the artifact's files are inside the root file system. */
    public static final String APP = "/app";
    /** What a position-independent build of an entry point is named after it, for OSv. */
    public static final String PIE_SUFFIX = ".pie";
    private static final FileTime FIXED_TIME = FileTime.fromMillis(0);
    private static final List<String> MOUNT_POINTS = List.of("proc", "dev", "sys", "tmp");

    private final ArtifactCache cache;

    public RootfsBuilder(Path cacheDirectory) {
        this.cache = new ArtifactCache(cacheDirectory, "root file system");
    }

    /** A built root file system and the command that runs the function in it. */
    public record Rootfs(Path path, String digest, List<String> args) {
    }

    public Rootfs build(FunctionManifest manifest) {
        if (manifest.runtime() == Runtime.IMAGE) {
            // Unpacked from its image into the function store (DIGEST/image/rootfs, the digest the image
            // manifest's): nothing to build, and that digest names it.
            return new Rootfs(manifest.artifact(), manifest.artifact().getParent().getParent().getFileName().toString(),
                    List.of());
        }
        Map<String, Path> files = contents(manifest);
        String digest = digest(files);
        Path target = cache.getOrBuild(manifest.name().value(), digest, "rootfs", staging -> write(staging.resolve("rootfs"), files));
        return new Rootfs(target.resolve("rootfs"), digest, args(manifest));
    }

    /** Makes the directories every sandbox mounts over ({@code /proc}, {@code /tmp}, ...) in {@code rootfs}, e.g. an unpacked image's. */
    public static void addMountPoints(Path rootfs) throws IOException {
        for (String mountPoint : MOUNT_POINTS) {
            Files.createDirectories(rootfs.resolve(mountPoint));
        }
    }

    private static void write(Path rootfs, Map<String, Path> files) throws IOException {
        addMountPoints(rootfs);
        for (Map.Entry<String, Path> file : files.entrySet()) {
            Path destination = rootfs.resolve(file.getKey().substring(1));
            Files.createDirectories(destination.getParent());
            Files.copy(file.getValue(), destination, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString(
                    Files.isExecutable(file.getValue()) ? "r-xr-xr-x" : "r--r--r--"));
        }
        fixTimes(rootfs);
    }

    private static List<String> args(FunctionManifest manifest) {
        String entry = APP + "/" + manifest.entryPoint().getFileName();
        return manifest.runtime() == Runtime.NODE ? List.of(nodeBinary().toString(), entry) : List.of(entry);
    }

    /** Every file of the root file system by its path inside, in a stable order. */
    private static Map<String, Path> contents(FunctionManifest manifest) {
        Map<String, Path> files = new TreeMap<>();
        if (Files.isDirectory(manifest.artifact())) {
            try (Stream<Path> walk = Files.walk(manifest.artifact())) {
                // A *.pie beside the entry point is OSv's build of it; no container runs it.
                walk.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().endsWith(PIE_SUFFIX))
                        .forEach(file ->
                        files.put(APP + "/" + manifest.artifact().relativize(file), file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            files.put(APP + "/" + manifest.artifact().getFileName(), manifest.artifact());
        }
        if (manifest.runtime() == Runtime.NODE) {
            Path node = nodeBinary();
            files.put(node.toString(), node);
            for (Path library : SharedLibraries.of(node)) {
                files.put(library.toString(), library);
            }
        }
        return files;
    }

    private static Path nodeBinary() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(directory, "node");
            if (Files.isExecutable(candidate)) {
                try {
                    return candidate.toRealPath();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new SandboxException("node is not installed: apt-get install -y nodejs, or choose runtime go");
    }

    /** SHA-256 over each file's path, mode and content. */
    static String digest(Map<String, Path> files) {
        Sha256 sha = Sha256.start();
        try {
            for (Map.Entry<String, Path> file : files.entrySet()) {
                sha.add(file.getKey()).add(Boolean.toString(Files.isExecutable(file.getValue()))).addFile(file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sha.hex();
    }

    /** A digest of a built tree as it lies on disk (paths, contents, modes, times), for tests of reproducibility. */
    static String digestOfTree(Path rootfs) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        StringBuilder metadata = new StringBuilder();
        try (Stream<Path> walk = Files.walk(rootfs)) {
            for (Path path : walk.sorted().toList()) {
                String inside = "/" + rootfs.relativize(path);
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(inside, path);
                }
                metadata.append(inside).append(' ')
                        .append(PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)))
                        .append(' ').append(Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS)).append('\n');
            }
        }
        return digest(files) + ":" + Sha256.of(metadata.toString());
    }

    private static void fixTimes(Path rootfs) throws IOException {
        try (Stream<Path> walk = Files.walk(rootfs)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.setLastModifiedTime(path, FIXED_TIME);
            }
        }
    }
}
