package dev.edgefaas.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The host's CPU time from {@code /proc/stat}, to wait for a quiet host. On an edge host of two
 * cores, a VMM started ahead for the next restore takes about 150 ms of CPU to start, just when
 * the clone that took the last one answers its first request (under TCG, translating its code
 * anew is CPU-bound), so it waits until the host is quiet first. A spare namespace does not wait:
 * it is cheaper, and in a burst of starts the next one needs it at once. The benchmarks wait
 * too, after that work is over ({@link BackgroundWork}), so that it is not measured with the
 * next start.
 */
public final class HostCpu {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Duration WINDOW = Duration.ofMillis(100);
    /**
     * Quiet enough for background work: below a third of all CPUs. A cold start keeps at least one
     * of two busy; idle guests and JVMs use a few percent.
     */
    public static final double QUIET_FOR_BACKGROUND = 0.33;
    /**
     * How long background work waits for a quiet host at most: on a host that is never quiet, it
     * is done anyway. Longer than a burst of ten restored clones takes to answer here (2-3 s).
     */
    private static final Duration BACKGROUND_PATIENCE = Duration.ofSeconds(5);
    /** Quiet enough to start a measurement: idle instances and the JVM only. */
    public static final double QUIET_FOR_MEASURING = 0.10;

    private HostCpu() {
    }

    /**
     * Returns once the host's CPUs were busy less than {@code busyShare} of a window of 100 ms,
     * or after {@code patience} whatever they do: a host that is never quiet gets its
     * background work done, or is measured, as it is.
     */
    public static void awaitQuiet(double busyShare, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long[] before = ticks();
        while (System.nanoTime() < deadline) {
            Thread.sleep(WINDOW.toMillis());
            long[] after = ticks();
            long total = after[0] - before[0];
            if (total > 0 && (double) (after[1] - before[1]) / total < busyShare) {
                return;
            }
            before = after;
        }
    }

    /** Waits, at most five seconds, for a host quiet enough for background work ({@link #QUIET_FOR_BACKGROUND}). */
    public static void awaitQuietForBackground() {
        try {
            awaitQuiet(QUIET_FOR_BACKGROUND, BACKGROUND_PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** All ticks and busy ticks (neither idle nor waiting for I/O) of every CPU, from the first line of {@code /proc/stat}. */
    private static long[] ticks() {
        try {
            String[] fields = Files.readAllLines(STAT).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total, total - idle};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STAT, e);
        }
    }
}
