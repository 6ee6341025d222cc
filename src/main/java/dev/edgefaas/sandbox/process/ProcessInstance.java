package dev.edgefaas.sandbox.process;

import dev.edgefaas.host.OutputTail;
import dev.edgefaas.host.ProcessIdentity;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.sandbox.Diagnosis;
import dev.edgefaas.sandbox.SandboxInstance;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** One function instance running as a host process, in its cgroup when there is one. */
final class ProcessInstance implements SandboxInstance {
    /** Time a function gets to finish on SIGTERM before the rest of its tree is killed. */
    private static final long GRACE_MILLIS = 1_000;
    private static final int DIAGNOSIS_LINES = 20;

    private final String id;
    private final Process process;
    private final URI endpoint;
    private final Path output;
    private final Cgroup cgroup;
    private final Map<String, String> details;
    private final AtomicBoolean closed = new AtomicBoolean();

    ProcessInstance(String id, Process process, int port, Path output, Cgroup cgroup, Map<String, String> details) {
        this.id = id;
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.output = output;
        this.cgroup = cgroup;
        this.details = Map.copyOf(details);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

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
        boolean outOfMemory = cgroup != null && !closed.get() && cgroup.oomKills() > 0;
        return new Diagnosis(exitCode, outOfMemory, OutputTail.lastLines(output, DIAGNOSIS_LINES));
    }

    /** The diagnosis of an instance that is being given up on: waits briefly for an exit code. */
    Diagnosis diagnoseAfterStop() {
        try {
            process.waitFor(100, TimeUnit.MILLISECONDS);
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

    @Override
    public String toString() {
        return "process instance " + id + " (pid " + process.pid() + ", " + endpoint + ")";
    }
}
