package dev.edgefaas.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the platform running in this JVM holds: heap in use after a full collection, open file
 * descriptors, live platform threads, and the function's live instances at that moment (each
 * instance holds descriptors of its own, so two counts compare only at the same number of instances).
 * Virtual threads are not counted here; a leak of them shows as heap.
 */
public record GatewayFootprint(long heapBytes, int openFds, int threads, int instances) {
    private static final Path OWN_FDS = Path.of("/proc/self/fd");

    /**
     * The footprint now, heap measured twice after {@link System#gc()} and the lower taken: a
     * collection can end while a thread still allocates, and the lower reading is the nearer to
     * what is live.
     */
    public static GatewayFootprint settled(int instances) {
        long heap = Math.min(heapAfterGc(), heapAfterGc());
        return new GatewayFootprint(heap, countOpenFds(), liveThreads(), instances);
    }

    /** The footprint now, after one collection: the periodic sample, cheap enough to take under load. */
    public static GatewayFootprint sample(int instances) {
        return new GatewayFootprint(heapAfterGc(), countOpenFds(), liveThreads(), instances);
    }

    /** The larger of each quantity of this and {@code other}. */
    public GatewayFootprint max(GatewayFootprint other) {
        return new GatewayFootprint(Math.max(heapBytes, other.heapBytes), Math.max(openFds, other.openFds),
                Math.max(threads, other.threads), Math.max(instances, other.instances));
    }

    public double heapMib() {
        return heapBytes / (1024.0 * 1024.0);
    }

    /** Descriptors this process has open, not counting the one that lists them. */
    public static int countOpenFds() {
        try (Stream<Path> fds = Files.list(OWN_FDS)) {
            return (int) fds.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + OWN_FDS + " (this needs Linux's /proc)", e);
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
