package dev.edgefaas.dispatcher;

import dev.edgefaas.sandbox.Diagnosis;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's hold on one instance's slot. The gateway forwards to {@link #endpoint()} and
 * then {@linkplain #release() releases} the lease exactly once (further calls are ignored).
 */
public final class Lease {
    private final FunctionPool pool;
    private final LiveInstance instance;
    private final StartKind start;
    private final String serverTiming;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(FunctionPool pool, LiveInstance instance, StartKind start, String serverTiming) {
        this.pool = pool;
        this.instance = instance;
        this.start = start;
        this.serverTiming = serverTiming;
    }

    public URI endpoint() {
        return instance.sandbox.endpoint();
    }

    public String instanceId() {
        return instance.id;
    }

    public String function() {
        return pool.name();
    }

    public String sandbox() {
        return pool.sandboxName();
    }

    public StartKind start() {
        return start;
    }

    /** The cold start's phases as a {@code Server-Timing} value; empty for a warm start. */
    public String serverTiming() {
        return serverTiming;
    }

    /** Why the instance stopped, if it stopped unexpectedly; known after {@link #releaseFailed}. */
    public Optional<Diagnosis> exitDiagnosis() {
        return Optional.ofNullable(instance.exitDiagnosis);
    }

    /** Returns the slot: the request is done with the instance. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            pool.release(instance, FunctionPool.Outcome.ANSWERED);
        }
    }

    /**
     * Returns the slot after the instance failed to answer: if it is dead it is removed at
     * once so that a retry does not pick it again.
     */
    public void releaseFailed() {
        if (released.compareAndSet(false, true)) {
            pool.release(instance, FunctionPool.Outcome.FAILED);
        }
    }

    /**
     * Returns the slot after no connection to the instance could be made: it is removed at
     * once, alive or not (its server does not listen, or its network does not carry), so that
     * a retry does not pick it again.
     */
    public void releaseUnreachable() {
        if (released.compareAndSet(false, true)) {
            pool.release(instance, FunctionPool.Outcome.UNREACHABLE);
        }
    }
}
