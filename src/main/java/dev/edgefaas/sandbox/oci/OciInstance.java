package dev.edgefaas.sandbox.oci;

import dev.edgefaas.host.OutputTail;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.Diagnosis;
import dev.edgefaas.sandbox.SandboxInstance;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One container. The runtime runs in the foreground as our child ({@code run}, not
 * {@code run -d}), so its exit is the container's exit, with the container's status.
 */
final class OciInstance implements SandboxInstance {
    private static final int DIAGNOSIS_LINES = 20;
    private static final long STOP_WAIT_MILLIS = 5_000;
    /** How close to its limit a group's peak must come for a SIGKILL to count as out of memory. */
    private static final long OOM_MARGIN_BYTES = 2L * 1024 * 1024;

    private final String id;
    private final OciRuntime runtime;
    private final Process process;
    private final URI endpoint;
    private final Path output;
    private final Cgroup group;
    private final InstanceNetwork network;
    private final NamespacePool namespaces;
    private final Map<String, String> details;
    private final long memoryLimitBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    OciInstance(String id, OciRuntime runtime, Process process, String endpoint, Path output, Cgroup group,
                InstanceNetwork network, NamespacePool namespaces, Map<String, String> details, long memoryLimitBytes) {
        this.id = id;
        this.runtime = runtime;
        this.process = process;
        this.endpoint = URI.create(endpoint);
        this.output = output;
        this.group = group;
        this.network = network;
        this.namespaces = namespaces;
        this.details = Map.copyOf(details);
        this.memoryLimitBytes = memoryLimitBytes;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    /** The runtime process in the foreground: runc/crun until the container is set up, runsc's sandbox parent. */
    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public Map<String, String> details() {
        return details;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void onExit(Runnable action) {
        process.onExit().thenRun(action);
    }

    @Override
    public Diagnosis diagnose() {
        OptionalInt exitCode = process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
        boolean outOfMemory = !closed.get() && (group.oomKills() > 0 || killedAtItsLimit(exitCode));
        return new Diagnosis(exitCode, outOfMemory, OutputTail.lastLines(output, DIAGNOSIS_LINES));
    }

    /**
     * On cgroup v1 the kernel counts an out-of-memory kill only in the container's own group,
     * which the runtime removes with the container; the instance group above it keeps its
     * high-water mark. A failed exit at the limit is out of memory: runc reports the SIGKILL
     * (137), runsc its sandbox's death (2).
     */
    private boolean killedAtItsLimit(OptionalInt exitCode) {
        return exitCode.isPresent() && exitCode.getAsInt() != 0
                && group.memoryPeakBytes() >= memoryLimitBytes - OOM_MARGIN_BYTES;
    }

    /** The diagnosis of a container being given up on: waits briefly for its status. */
    Diagnosis diagnoseAfterStop() {
        try {
            process.waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return diagnose();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            OciContainers.remove(runtime.binary(), runtime.stateRoot().toString(), id);
            try {
                if (!process.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        } finally {
            try {
                group.close();
                Cgroups.removeEverywhere(id);
            } finally {
                if (network != null) {
                    namespaces.release(network);
                }
            }
        }
    }

    @Override
    public String toString() {
        return runtime.name() + " container " + id + " (" + endpoint + ")";
    }
}
