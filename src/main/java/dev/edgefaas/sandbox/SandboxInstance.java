package dev.edgefaas.sandbox;

import java.net.URI;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A running, ready function instance. Only runtime operations: it was configured before start.
 * Thread-safe.
 */
public interface SandboxInstance extends AutoCloseable {
    /**
     * The {@link #details} key of the instance's cgroup ({@code edgefaas/<name>}) where it is not
     * named after the instance: one restored in a VMM started ahead keeps that VMM's.
     */
    String DETAIL_CGROUP = "cgroup";

    String id();

    /** Where the instance serves HTTP, e.g. {@code http://127.0.0.1:41234}. */
    URI endpoint();

    /** The sandbox's main host process (the function, the runtime or the VMM), where there is one. */
    OptionalLong pid();

    /** Facts for operators: limits applied, network mode, accelerator. */
    Map<String, String> details();

    boolean isAlive();

    /** Runs {@code action} once when the instance stops for any reason (crash or close); at once if it has. */
    void onExit(Runnable action);

    /** Why the instance stopped or is misbehaving: exit code, out-of-memory, its last output. */
    Diagnosis diagnose();

    /** Stops the instance and removes every trace of it on the host. Idempotent; never throws for a dead instance. */
    @Override
    void close();
}
