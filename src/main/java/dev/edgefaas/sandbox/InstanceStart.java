package dev.edgefaas.sandbox;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The start of one instance whose life is a host process, as one transaction, for every backend
 * that spawns one: record and take the host resources (cgroup, network, ...) each with its undo,
 * spawn the process, hand everything over to the instance, await its readiness. A failure before
 * the hand-over undoes what was taken, in reverse order; after it, the instance's idempotent
 * {@code close} does. Either way the caller gets one {@link SandboxException} naming the
 * instance, and nothing of it is left.
 *
 * <p>Record before create: each resource goes into the instance's write-ahead record before it
 * exists, so that the reaper finds it if the JVM dies in between.
 */
public final class InstanceStart {
    /** The record key of the instance's cgroup, named after the instance. */
    public static final String RECORD_CGROUP = "cgroup";
    /** The record key of the spawned process's pid. */
    public static final String RECORD_PID = "pid";

    /** The steps of one backend's start; returns {@link #awaitReady}'s instance. */
    @FunctionalInterface
    public interface Steps {
        SandboxInstance run(InstanceStart start) throws IOException;
    }

    private final InstanceRequest request;
    private final String what;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private ProcessBackedInstance instance;
    private OutputPump pump;

    private InstanceStart(InstanceRequest request, String what) {
        this.request = request;
        this.what = what;
    }

    /**
     * Runs {@code steps} as the start of an instance of {@code manifest} in {@code sandbox}; see
     * {@link #run(InstanceRequest, String, Steps)}.
     */
    public static SandboxInstance run(InstanceRequest request, FunctionManifest manifest, String sandbox, Steps steps) {
        return run(request, "instance " + request.instanceId() + " of function " + manifest.name() + " in " + sandbox, steps);
    }

    /**
     * Runs {@code steps} as one transaction.
     *
     * @param what names the instance in messages, e.g. {@code instance f-1 of function f in runc}
     * @throws SandboxException if any step fails, with the instance's diagnosis where it had started
     */
    public static SandboxInstance run(InstanceRequest request, String what, Steps steps) {
        InstanceStart start = new InstanceStart(request, what);
        try {
            return steps.run(start);
        } catch (IOException | RuntimeException e) {
            start.rollBack(e);
            if (e instanceof SandboxException sandbox) {
                throw sandbox;
            }
            SandboxException failure = new SandboxException("cannot start " + what + ": " + e.getMessage(), e);
            for (Throwable suppressed : e.getSuppressed()) {
                failure.addSuppressed(suppressed);
            }
            throw failure;
        }
    }

    public InstanceRequest request() {
        return request;
    }

    /**
     * Takes a resource that {@code release} gives back if the start fails before the hand-over.
     *
     * @return what {@code acquire} returned; null (nothing to release) is allowed
     */
    public <T> T take(Supplier<T> acquire, Consumer<? super T> release) {
        T resource = acquire.get();
        if (resource != null) {
            undo.push(() -> release.accept(resource));
        }
        return resource;
    }

    /** Registers {@code action} to run if the start fails before the hand-over, e.g. removing a container by name. */
    public void onFailure(Runnable action) {
        undo.push(action);
    }

    /** Records, then creates, the instance's cgroup with {@code limits}. */
    public Cgroup cgroup(CgroupLayout layout, CgroupLimits limits) {
        request.record().put(RECORD_CGROUP, request.instanceId());
        return take(() -> Cgroup.create(layout, request.instanceId(), limits), Cgroup::close);
    }

    /**
     * Ends the {@code prepare} phase and starts {@code builder} with no input and its output (both
     * streams) {@linkplain OutputPump pumped} to {@code output} and the request's log; records
     * its pid and ends the {@code spawn} phase.
     */
    public Process spawn(ProcessBuilder builder, Path output) throws IOException {
        request.phases().mark("prepare");
        OutputPump.Started started = OutputPump.launch(builder, output, request.instanceId(), request.log());
        Process process = started.process();
        undo.push(process::destroyForcibly);
        request.record().put(RECORD_PID, Long.toString(process.pid()));
        pump = started.output();
        request.phases().mark("spawn");
        return process;
    }

    /**
     * Hands every resource taken so far to {@code started}, whose {@code close} frees them from
     * now on, and lets its exit end the wait for readiness.
     */
    public <I extends ProcessBackedInstance> I handOver(I started) {
        undo.clear();
        instance = started;
        if (pump != null) {
            started.outputFrom(pump);
        }
        started.onExit(request.readiness()::signalExited);
        return started;
    }

    /**
     * Awaits the handed-over instance's readiness: its callback, or for {@code tcp} and
     * {@code http:/path} a probe of its endpoint that this starts.
     */
    public SandboxInstance awaitReady(Duration timeout, ReadinessCheck check) {
        if (instance == null) {
            throw new IllegalStateException("handOver the instance before awaiting it");
        }
        if (check.kind() != ReadinessCheck.Kind.CALLBACK) {
            ReadinessProbe.start(request.instanceId(), instance.endpoint(), check, instance::isAlive, request.readiness());
        }
        instance.awaitReady(request, timeout, what, check.timeoutHint());
        return instance;
    }

    /**
     * The handed-over instance, ready now by what its starter knows (a restored guest that its
     * snapshot proves listening) rather than by a probe or callback; unless it exited already.
     */
    public SandboxInstance readyNow() {
        if (instance == null) {
            throw new IllegalStateException("handOver the instance before calling it ready");
        }
        request.readiness().signalReady();
        instance.awaitReady(request, Duration.ZERO, what, "");
        return instance;
    }

    /** Closes the instance if it was handed over, else undoes every step; a failing undo is suppressed on {@code cause}. */
    private void rollBack(Exception cause) {
        if (instance != null) {
            try {
                instance.close();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
            return;
        }
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
