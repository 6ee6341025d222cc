package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The socket a VMM makes once it has started and is controlled through (QEMU's QMP,
 * Firecracker's API), waited for by trying it: a VMM just started has not made it yet, or does
 * not answer on it yet. Tries are a millisecond apart at first, then further, up to a bound that
 * suits how long the VMM takes to start.
 *
 * @param path        where the VMM makes it
 * @param description what errors call it, e.g. {@code QEMU's QMP socket}
 * @param vmm         what errors call the VMM, e.g. {@code QEMU}
 */
record ControlSocket(Path path, String description, String vmm) {
    /** One try: connects and checks the VMM answers; an {@link IOException} means not yet. */
    @FunctionalInterface
    interface Attempt<T> {
        /** @param deadline {@link System#nanoTime} by which the whole wait ends, for what follows it */
        T run(long deadline) throws IOException;
    }

    /**
     * Tries {@code attempt} until it succeeds; fails with the last try's reason once {@code
     * process} has exited or {@code timeout} has passed.
     */
    <T> T await(Duration timeout, Process process, long longestPauseMillis, Attempt<T> attempt) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 1;
        while (true) {
            try {
                return attempt.run(deadline);
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException(description + " " + path + " did not answer within " + timeout.toMillis()
                            + " ms" + (process.isAlive() ? "" : " (" + vmm + " exited)") + ": " + notYet.getMessage(),
                            notYet);
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + description, e);
            }
            pauseMillis = Math.min(pauseMillis * 2, longestPauseMillis);
        }
    }
}
