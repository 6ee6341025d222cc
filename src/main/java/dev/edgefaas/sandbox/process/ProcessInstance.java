package dev.edgefaas.sandbox.process;

import dev.edgefaas.host.ProcessIdentity;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.sandbox.ProcessBackedInstance;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** One function instance running as a host process, in its cgroup when there is one. */
final class ProcessInstance extends ProcessBackedInstance {
    /** Time a function gets to finish on SIGTERM before the rest of its tree is killed. */
    private static final long GRACE_MILLIS = 1_000;

    private final Cgroup cgroup;

    ProcessInstance(String id, Process process, int port, Path output, Cgroup cgroup, Map<String, String> details) {
        super(id, process, URI.create("http://127.0.0.1:" + port), output, details);
        this.cgroup = cgroup;
    }

    @Override
    protected boolean outOfMemory(OptionalInt exitCode) {
        return cgroup != null && cgroup.oomKills() > 0;
    }

    @Override
    protected void stop() {
        // Children are found through their parent: list them while it still lives.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // What the function forked may outlive it: the cgroup holds them all; without one, the tree.
        if (cgroup != null) {
            cgroup.close();
        } else {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
        ProcessIdentity.killTree(process.toHandle());
    }
}
