package dev.edgefaas.store;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.image.ArtifactCache;
import dev.edgefaas.image.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The artifacts of deployed functions, each copied once under the digest of its content
 * ({@code <digest>/<file or directory name>}), read-only, so that a later change to the user's
 * files changes nothing deployed. A copy is made in a staging directory and renamed into place
 * whole: a copy cut short by a crash or a full disk is never seen, and the next open removes it.
 *
 * <p>An artifact stored since the store was opened is <em>unrecorded</em> until a record names
 * it (an upload waiting for its deploy, a deploy not yet staged): {@link #removeUnless} keeps it.
 * Filing, marking and removing happen under the lock the store is given, which the records'
 * changes hold too, so that no artifact is removed between its filing and its record.
 */
final class ArtifactStore {
    private static final String STAGING_PREFIX = ".staging-";

    private final Path root;
    private final Object lock;
    private final Set<String> unrecorded = new HashSet<>();

    ArtifactStore(Path root, Object lock) {
        this.root = root;
        this.lock = lock;
    }

    /** A stored artifact: the path a manifest names, and the digest the copy is filed under. */
    record Stored(Path path, String digest) {
    }

    /**
     * Copies {@code artifact} (a file, or a directory with everything below it; links followed)
     * into the store, or finds the identical copy already there.
     *
     * @throws UncheckedIOException if it cannot be read or written, saying whether the disk is full; nothing is left
     */
    Stored put(Path artifact) {
        Path staging = null;
        try {
            staging = Files.createTempDirectory(root, STAGING_PREFIX);
            Path copy = staging.resolve(artifact.getFileName().toString());
            Sha256 tree = Sha256.start().add("edgefaas-artifact-1").add(artifact.getFileName().toString());
            if (Files.isDirectory(artifact)) {
                copyTree(artifact, copy, tree);
            } else {
                copyFile(artifact, copy, "", tree);
            }
            String digest = tree.hex();
            Path target = root.resolve(digest);
            synchronized (lock) {
                if (Files.isDirectory(target)) {
                    // Stored before, by another deploy or an earlier one: that copy is as good as this one.
                    StateDirectory.deleteTree(staging);
                } else {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                }
                unrecorded.add(digest);
            }
            return new Stored(target.resolve(artifact.getFileName().toString()), digest);
        } catch (IOException e) {
            if (staging != null) {
                StateDirectory.deleteTree(staging);
            }
            throw new UncheckedIOException("cannot store " + artifact + " in " + root + ": " + e.getMessage()
                    + (ArtifactCache.diskFull(e) ? " (the disk is full: free space, or give serve another --data-dir)" : ""), e);
        }
    }

    /**
     * Files {@code directory} (on the store's file system, e.g. an image unpacked into an upload
     * directory) under {@code digest} as {@code name}, by renaming it whole; if that digest is
     * stored already, the stored copy is kept and {@code directory} is left to its caller.
     */
    Stored adopt(Path directory, String digest, String name) {
        Path target = root.resolve(digest);
        synchronized (lock) {
            unrecorded.add(digest);
            if (Files.isDirectory(target)) {
                return new Stored(target.resolve(name), digest);
            }
            Path staging = null;
            try {
                staging = Files.createTempDirectory(root, STAGING_PREFIX);
                Files.move(directory, staging.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return new Stored(target.resolve(name), digest);
            } catch (IOException e) {
                if (staging != null) {
                    StateDirectory.deleteTree(staging);
                }
                throw new UncheckedIOException("cannot store " + directory + " in " + root + ": " + e.getMessage(), e);
            }
        }
    }

    /** Keeps {@code digest} from {@link #removeUnless} until a record names it; call with the lock held. */
    void unrecorded(String digest) {
        unrecorded.add(digest);
    }

    /** Notes that a record names {@code digest} now; call with the lock held. */
    void recorded(String digest) {
        unrecorded.remove(digest);
    }

    /**
     * Removes the artifact filed under {@code digest} unless it is unrecorded or {@code named}
     * says a record names it; call with the lock held. Whether it was removed.
     */
    boolean removeUnless(String digest, Predicate<String> named) {
        Path stored = root.resolve(digest);
        if (!digest.matches("[0-9a-f]{64}") || unrecorded.contains(digest) || named.test(digest)
                || !Files.isDirectory(stored)) {
            return false;
        }
        StateDirectory.deleteTree(stored);
        return true;
    }

    /** The artifact filed under {@code digest}: the one file or directory in its directory. */
    Optional<Stored> find(String digest) {
        if (!digest.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(root.resolve(digest))) {
            return entries.findFirst().map(entry -> new Stored(entry, digest));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes every stored artifact whose digest is not in {@code referenced}, and every staging leftover. */
    List<String> keepOnly(Set<String> referenced) {
        try (Stream<Path> entries = Files.list(root)) {
            List<Path> unreferenced = entries
                    .filter(entry -> !referenced.contains(entry.getFileName().toString()))
                    .toList();
            unreferenced.forEach(StateDirectory::deleteTree);
            return unreferenced.stream().map(entry -> entry.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path source, Path target, Sha256 tree) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(source, FileVisitOption.FOLLOW_LINKS)) {
            entries = walk.sorted().toList();
        }
        for (Path entry : entries) {
            String relative = source.relativize(entry).toString();
            if (Files.isDirectory(entry)) {
                Files.createDirectories(target.resolve(relative));
                tree.add("D " + relative);
            } else if (Files.isRegularFile(entry)) {
                copyFile(entry, target.resolve(relative), relative, tree);
            }
        }
    }

    /** Copies one file, read-only, keeping whether it is executable; its digest goes into {@code tree}. */
    private static void copyFile(Path source, Path target, String relative, Sha256 tree) throws IOException {
        Sha256 content = Sha256.start();
        try (InputStream in = content.reading(Files.newInputStream(source))) {
            Files.copy(in, target);
        }
        boolean executable = Files.isExecutable(source);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "r-xr-xr-x" : "r--r--r--"));
        tree.add("F " + relative + " " + (executable ? "x" : "-") + " " + content.hex());
    }
}
