package dev.edgefaas.sandbox;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The readiness of one starting instance. Readiness is pushed: the instance calls back once it
 * listens ({@link #signalReady}); the backend reports an early exit ({@link #signalExited}).
 * The first signal wins; the backend {@linkplain #await awaits} it.
 */
public final class Readiness {

    /** How a start ended. */
    public enum Outcome { READY, EXITED, TIMED_OUT }

    private final CountDownLatch signalled = new CountDownLatch(1);
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();

    /** Called by the callback listener; returns false if the instance had already exited or was given up on. */
    public boolean signalReady() {
        return signal(Outcome.READY);
    }

    /** Called by the backend when the instance's process or VM is gone. */
    public void signalExited() {
        signal(Outcome.EXITED);
    }

    /** Whether a signal (or a timeout) has decided the start already. */
    public boolean isDone() {
        return outcome.get() != null;
    }

    /** Blocks until a signal arrives or {@code timeout} passes; a timeout is final, a late callback loses. */
    public Outcome await(Duration timeout) {
        try {
            if (!signalled.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                signal(Outcome.TIMED_OUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signal(Outcome.TIMED_OUT);
        }
        return outcome.get();
    }

    private boolean signal(Outcome value) {
        boolean first = outcome.compareAndSet(null, value);
        signalled.countDown();
        return first;
    }
}
