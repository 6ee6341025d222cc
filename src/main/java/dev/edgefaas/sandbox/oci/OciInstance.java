package dev.edgefaas.sandbox.oci;

import dev.edgefaas.host.Shutdown;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.ProcessBackedInstance;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * One container. The runtime runs in the foreground as our child ({@code run}, not
 * {@code run -d}), so its exit is the container's exit, with the container's status; its pid
 * is the instance's pid.
 */
final class OciInstance extends ProcessBackedInstance {
    private static final long STOP_WAIT_MILLIS = 5_000;
    /** How close to its limit a group's peak must come for a failed exit to count as out of memory. */
    private static final long OOM_MARGIN_BYTES = 2L * 1024 * 1024;

    private final String id;
    private final OciRuntime runtime;
    private final Cgroup group;
    private final InstanceNetwork network;
    private final NamespacePool namespaces;
    private final long memoryLimitBytes;

    OciInstance(String id, OciRuntime runtime, Process process, String endpoint, Path output, Cgroup group,
                InstanceNetwork network, NamespacePool namespaces, Map<String, String> details, long memoryLimitBytes) {
        super(id, process, URI.create(endpoint), output, details);
        this.id = id;
        this.runtime = runtime;
        this.group = group;
        this.network = network;
        this.namespaces = namespaces;
        this.memoryLimitBytes = memoryLimitBytes;
    }

    /**
     * On cgroup v1 the kernel counts an out-of-memory kill only in the container's own group,
     * which the runtime removes with the container; the instance group above it keeps its
     * high-water mark. A failed exit at the limit is out of memory: runc reports the SIGKILL
     * (137), runsc its sandbox's death (2).
     */
    @Override
    protected boolean outOfMemory(OptionalInt exitCode) {
        return group.oomKills() > 0
                || exitCode.isPresent() && exitCode.getAsInt() != 0
                   && group.memoryPeakBytes() >= memoryLimitBytes - OOM_MARGIN_BYTES;
    }

    /** Removes the container, then its cgroups and network, each whatever the one before did. */
    @Override
    protected void stop() {
        Shutdown.all(this::removeContainer, group::close, () -> Cgroups.removeEverywhere(id), () -> {
            if (network != null) {
                namespaces.release(network);
            }
        });
    }

    private void removeContainer() throws InterruptedException {
        OciContainers.remove(runtime.binary(), runtime.stateRoot().toString(), id);
        try {
            if (!process.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }
}
