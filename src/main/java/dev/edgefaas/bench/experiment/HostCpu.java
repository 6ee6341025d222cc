package dev.edgefaas.bench.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The host's CPU time from {@code /proc/stat}, to start a measurement on a quiet host: what the
 * platform does in the background after a start (spare namespaces, VMMs started ahead for the
 * next restore, an instance's teardown) belongs to no measured start, and on two cores it
 * would slow whichever start it overlapped with.
 */
final class HostCpu {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Duration WINDOW = Duration.ofMillis(100);
    /** Busy below this share of all CPUs counts as quiet: idle TCG guests and JVMs use a few percent. */
    private static final double QUIET = 0.10;

    private HostCpu() {
    }

    /**
     * Returns once the host's CPUs were busy less than a tenth of a window of 100 ms, or after
     * {@code patience} whatever they do (a host that is never quiet is measured as it is).
     */
    static void awaitQuiet(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long[] before = ticks();
        while (System.nanoTime() < deadline) {
            Thread.sleep(WINDOW.toMillis());
            long[] after = ticks();
            long total = after[0] - before[0];
            if (total > 0 && (double) (after[1] - before[1]) / total < QUIET) {
                return;
            }
            before = after;
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
