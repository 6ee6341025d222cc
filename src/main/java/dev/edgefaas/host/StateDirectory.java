package dev.edgefaas.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The platform's directory of host state: one record per live instance and each instance's
 * scratch directory. One platform holds it at a time (a file lock the kernel drops if the
 * platform dies), so records whose owner is gone are leftovers to reap.
 *
 * <p>Beside it, in memory ({@code /dev/shm}), a directory of its own for what must be fast to
 * map (guest snapshots): named after this directory, emptied when it is opened, so what a
 * crashed run left there goes at the next start, and removed when it is closed.
 */
public final class StateDirectory implements AutoCloseable {
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private final Path root;
    private final Path instances;
    private final Path inMemory;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StateDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.instances = root.resolve("instances");
        this.inMemory = inMemoryFor(root);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Where the state directory at {@code root} keeps its in-memory directory, whether or not it is open. */
    public static Path inMemoryFor(Path root) {
        Path base = Files.isDirectory(SHARED_MEMORY) ? SHARED_MEMORY : Path.of(System.getProperty("java.io.tmpdir"));
        String absolute = root.toAbsolutePath().normalize().toString();
        String readable = absolute.replaceAll("[^A-Za-z0-9]", "_").replaceAll("^_+", "");
        return base.resolve("edgefaas-" + Integer.toHexString(absolute.hashCode()) + "-"
                + readable.substring(Math.max(0, readable.length() - 100)));
    }

    /** Another running edgefaas (a node or a bench) holds the state directory: its instances are not ours to reap. */
    public static final class InUse extends IllegalStateException {
        InUse(Path root) {
            super("state directory " + root + " is in use by another running edgefaas: stop that one first"
                    + " ('serve' can also be given a directory of its own with --state-dir)");
        }
    }

    /** The default location: {@code /run/edgefaas} for root, else a directory of the user's under /tmp. */
    public static Path defaultRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/run/edgefaas") : Path.of(System.getProperty("java.io.tmpdir"), "edgefaas-" + System.getProperty("user.name"));
    }

    /**
     * Opens and locks {@code root}, creating it if needed.
     *
     * @throws InUse if another running platform holds it
     */
    public static StateDirectory open(Path root) {
        try {
            Files.createDirectories(root.resolve("instances"));
            FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new InUse(root);
            }
            StateDirectory state = new StateDirectory(root, channel, lock);
            deleteTree(state.inMemory);
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open state directory " + root
                    + ": choose a writable one with --state-dir", e);
        }
    }

    public Path root() {
        return root;
    }

    /** A directory of this platform's in memory ({@code /dev/shm}), e.g. {@code snapshots}; made if missing. */
    public Path inMemory(String name) {
        Path directory = inMemory.resolve(name);
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Starts the record of a new instance; the backend adds each resource before creating it. */
    public InstanceRecord newRecord(String instanceId, String backend) {
        return InstanceRecord.create(instances.resolve(instanceId + ".json"), instanceId, backend);
    }

    /** The record named {@code id}, if this run or an earlier one wrote it. */
    public Optional<InstanceRecord> recordOf(String id) {
        Path file = instances.resolve(id + ".json");
        try {
            return Files.exists(file) ? Optional.of(InstanceRecord.read(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A fresh scratch directory for {@code instanceId}, removed with {@link #deleteTree}. */
    public Path instanceDirectory(String instanceId) {
        Path directory = instances.resolve(instanceId + ".d");
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory + ": is the disk full?", e);
        }
    }

    /** Records left by platforms that are no longer running. */
    List<InstanceRecord> staleRecords() {
        List<InstanceRecord> stale = new ArrayList<>();
        try (Stream<Path> files = Files.list(instances)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                try {
                    InstanceRecord record = InstanceRecord.read(file);
                    if (!record.ownerAlive()) {
                        stale.add(record);
                    }
                } catch (IOException e) {
                    // A record torn by a crash mid-write names nothing we can trust: drop it.
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + instances, e);
        }
        return stale;
    }

    /** Scratch directories with no record: their instance is gone. */
    List<Path> orphanDirectories() {
        return instanceFiles(".d").stream()
                .filter(d -> !Files.exists(d.resolveSibling(d.getFileName().toString().replaceAll("\\.d$", ".json"))))
                .toList();
    }

    /**
     * Removes the records a crash left half-written: the platform was killed between writing a
     * record's new text and moving it over the old one. A record is written before the resource
     * it adds is created, so what such a file names was never made.
     */
    void removeUnfinishedRecordWrites() {
        for (Path unfinished : instanceFiles(".json" + InstanceRecord.UNFINISHED_SUFFIX)) {
            try {
                Files.deleteIfExists(unfinished);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + unfinished, e);
            }
        }
    }

    /** What the instances directory holds whose name ends in {@code suffix}. */
    private List<Path> instanceFiles(String suffix) {
        try (Stream<Path> files = Files.list(instances)) {
            return files.filter(f -> f.toString().endsWith(suffix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + instances, e);
        }
    }

    /** Deletes {@code directory} and everything in it, if it exists. */
    public static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    @Override
    public void close() {
        try {
            deleteTree(inMemory);
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + root, e);
        }
    }
}
