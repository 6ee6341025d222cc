package dev.edgefaas.image;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The build-once store of one kind of artifact (root file systems, guest disks, unikernel
 * images): each lives in a directory named after its function and the digest of everything it
 * is made from, so a new version is a new directory and an old one is never changed. An
 * artifact is written into a staging directory and moved into place atomically: readers see it
 * whole or not at all. When two builds race, the loser deletes its copy and uses the winner's
 * (the bytes are the same). A failed build leaves no staging directory behind; one left by a
 * crash is removed by the next cache opened on the directory once it is an hour old. Artifacts
 * no build has used for a while are collected by {@link #collectUnused}.
 */
public final class ArtifactCache {
    private static final String STAGING_PREFIX = ".staging-";
    /** The directories below the cache root that the backends build into, one kind each. */
    public static final List<String> BUILT_KINDS = List.of("rootfs", "guest", "nanos", "osv");
    /** Older staging directories are a crashed build's: no build takes this long. */
    private static final Duration ABANDONED_AFTER = Duration.ofHours(1);

    private final Path directory;
    private final String kind;

    /**
     * @param directory where this kind's artifacts live (created on first build)
     * @param kind      what they are, for messages: "root file system", "Nanos image"
     */
    public ArtifactCache(Path directory, String kind) {
        this.directory = directory;
        this.kind = kind;
        removeAbandonedStaging();
    }

    /** Writes an artifact's files into the (empty, private) directory it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path staging) throws IOException, InterruptedException;
    }

    /**
     * The directory holding {@code name}'s artifact of {@code digest}, built by {@code writer}
     * unless it is there already.
     *
     * @param completeFile a file or directory inside that only a complete artifact has
     * @throws SandboxException naming the function, the directory and what failed (a full disk said so)
     */
    public Path getOrBuild(String name, String digest, String completeFile, Writer writer) {
        Path target = directory.resolve(name + "-" + digest.substring(0, 16));
        if (Files.exists(target.resolve(completeFile))) {
            markUsed(target);
            return target;
        }
        Path staging = null;
        try {
            Files.createDirectories(directory);
            staging = Files.createTempDirectory(directory, STAGING_PREFIX);
            writer.write(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (IOException raced) {
                if (!Files.exists(target.resolve(completeFile))) {
                    throw raced;
                }
                // Another build of the same inputs won; its bytes are the same as ours.
            }
            return target;
        } catch (IOException e) {
            throw new SandboxException("cannot build the " + kind + " of " + name + " in " + directory + ": "
                    + e.getMessage() + (diskFull(e) ? " (the disk is full: free space there)" : " (is the disk full?)"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while building the " + kind + " of " + name);
        } finally {
            if (staging != null) {
                StateDirectory.deleteTree(staging);
            }
        }
    }

    /**
     * Removes every artifact of the kinds below {@code cacheRoot} (one directory each) that no
     * build has used for {@code unusedFor}: what versions no longer deployed leave. A node calls it
     * at start, before anything runs; an artifact in use is marked on every use, so it stays.
     *
     * @return the artifacts removed, as {@code kind/name-digest}
     */
    public static List<String> collectUnused(Path cacheRoot, List<String> kinds, Duration unusedFor) {
        Instant cutoff = Instant.now().minus(unusedFor);
        List<String> removed = new ArrayList<>();
        for (String kind : kinds) {
            Path directory = cacheRoot.resolve(kind);
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, entry -> !entry.getFileName().toString()
                    .startsWith(STAGING_PREFIX))) {
                for (Path entry : entries) {
                    if (Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
                        StateDirectory.deleteTree(entry);
                        removed.add(kind + "/" + entry.getFileName());
                    }
                }
            } catch (IOException e) {
                // An artifact we cannot list or remove costs disk space only.
            }
        }
        return removed;
    }

    /** Records a use of {@code artifact}, which {@link #collectUnused} reads. */
    private static void markUsed(Path artifact) {
        try {
            Files.setLastModifiedTime(artifact, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Read-only cache: nothing there is collected either.
        }
    }

    /** Whether {@code e} (or a cause) is the kernel's ENOSPC: the one test of a full disk, for every store on disk. */
    public static boolean diskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    private void removeAbandonedStaging() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        Instant cutoff = Instant.now().minus(ABANDONED_AFTER);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, STAGING_PREFIX + "*")) {
            for (Path entry : entries) {
                if (Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
                    StateDirectory.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            // A leftover we cannot list or remove costs disk space only; the build itself still works.
        }
    }
}
