package dev.edgefaas.sandbox;

import dev.edgefaas.host.OutputTail;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What instances whose life is one host process share (a function, a runtime in the foreground,
 * a VMM): identity, liveness, exit notification, and the diagnosis from its exit code and output.
 * Subclasses say how to tell out-of-memory and how to stop.
 */
public abstract class ProcessBackedInstance implements SandboxInstance {
    private static final int DIAGNOSIS_LINES = 20;

    /** How long a diagnosis of a process that exited waits for the rest of its output. */
    private static final Duration OUTPUT_END_PATIENCE = Duration.ofMillis(500);

    private final String id;
    private final URI endpoint;
    private final Map<String, String> details;
    private final AtomicBoolean closed = new AtomicBoolean();
    protected final Process process;
    private final Path output;
    private volatile OutputPump pump;

    protected ProcessBackedInstance(String id, Process process, URI endpoint, Path output, Map<String, String> details) {
        this.id = id;
        this.process = process;
        this.endpoint = endpoint;
        this.output = output;
        this.details = Map.copyOf(details);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final URI endpoint() {
        return endpoint;
    }

    @Override
    public final OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public final Map<String, String> details() {
        return details;
    }

    @Override
    public final boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public final void onExit(Runnable action) {
        process.onExit().thenRun(action);
    }

    /** The pump that copies this instance's output into its output file: a diagnosis waits for its last lines. */
    public final void outputFrom(OutputPump copying) {
        pump = copying;
    }

    /** The pump copying this instance's output, once {@link #outputFrom} has named it; else null. */
    protected final OutputPump outputPump() {
        return pump;
    }

    @Override
    public final Diagnosis diagnose() {
        if (!process.isAlive() && pump != null) {
            // What the exit code and out-of-memory checks read may still be in the pipe.
            pump.awaitEnd(OUTPUT_END_PATIENCE);
        }
        OptionalInt exitCode = process.isAlive() ? OptionalInt.empty() : exitCode();
        boolean outOfMemory = !closed.get() && outOfMemory(exitCode);
        return new Diagnosis(exitCode, outOfMemory, OutputTail.lastLines(output, DIAGNOSIS_LINES), !process.isAlive());
    }

    /**
     * Waits for this instance's callback and marks the {@code ready} phase. If the callback does not
     * come (the instance stopped, or the timeout passed) the instance is closed and the failure
     * thrown with its diagnosis.
     *
     * @param what names the instance in the message, e.g. {@code instance f-1 of function f in runc}
     * @param hint said after a timeout, e.g. what the instance must do to be ready; may be empty
     * @throws SandboxException unless the instance called back
     */
    public final void awaitReady(InstanceRequest request, Duration timeout, String what, String hint) {
        Readiness.Outcome outcome = request.readiness().await(timeout);
        request.phases().mark("ready");
        if (outcome == Readiness.Outcome.READY) {
            return;
        }
        Diagnosis diagnosis = diagnoseAfterStop();
        close();
        throw new SandboxException(what + " " + (outcome == Readiness.Outcome.EXITED
                ? "stopped before it was ready"
                : "did not call back within " + timeout.toMillis() + " ms" + hint), diagnosis, null);
    }

    /** The diagnosis of an instance being given up on: waits briefly for its exit status first. */
    public final Diagnosis diagnoseAfterStop() {
        try {
            process.waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return diagnose();
    }

    /** The function's exit status once the process has exited: the process's own, unless a subclass knows better. */
    protected OptionalInt exitCode() {
        return OptionalInt.of(process.exitValue());
    }

    /** Whether the kernel killed it at its memory limit; asked only before the instance is closed. */
    protected abstract boolean outOfMemory(OptionalInt exitCode);

    /** Stops the instance and removes its host resources; called once. */
    protected abstract void stop();

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            stop();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + id + " (" + endpoint + ")";
    }
}
