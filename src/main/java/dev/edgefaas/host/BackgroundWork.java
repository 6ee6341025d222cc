package dev.edgefaas.host;

import java.time.Duration;

/**
 * What the node is doing ahead of need (spare namespaces, VMMs started for the next restore),
 * counted from the moment it is decided until it is done, so that a measurement can wait for a
 * settled node. Waiting for a quiet host alone was not enough: that work waits for a quiet host
 * too, so both began together, and a measured restore shared the two cores with a VMM starting
 * (about 150 ms of CPU), or found 0 to 4 VMMs waiting depending on the race.
 */
public final class BackgroundWork {
    private static final Object LOCK = new Object();
    private static int running;

    private BackgroundWork() {
    }

    /** One piece of work under way; {@link Token#close} ends it (once, however often it is called). */
    public static final class Token implements AutoCloseable {
        private boolean closed;

        private Token() {
        }

        @Override
        public void close() {
            synchronized (LOCK) {
                if (!closed) {
                    closed = true;
                    running--;
                    LOCK.notifyAll();
                }
            }
        }
    }

    /** Counts a piece of work from now: call it where the work is decided, before its thread starts. */
    public static Token begin() {
        synchronized (LOCK) {
            running++;
            return new Token();
        }
    }

    /** How many pieces are under way. */
    public static int running() {
        synchronized (LOCK) {
            return running;
        }
    }

    /**
     * Returns once no work is under way, or after {@code patience} whatever is: work that never
     * ends (a VMM that cannot start is retried later, not forever) must not stop a measurement.
     *
     * @return whether the node was settled
     */
    public static boolean awaitNone(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (LOCK) {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LOCK.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
