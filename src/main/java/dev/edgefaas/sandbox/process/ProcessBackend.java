package dev.edgefaas.sandbox.process;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.ProcessIdentity;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.DeclaredBackend;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs each instance as a plain host process: no isolation, the floor every other sandbox is
 * measured against. Where cgroups are writable each instance gets its own with the manifest's
 * CPU, memory and pids limits; elsewhere it runs unlimited and {@code doctor} says so.
 */
public final class ProcessBackend extends DeclaredBackend<Optional<CgroupLayout>> {
    public static final String NAME = "process";
    static final String RECORD_PID_STARTED = "pid-started";

    private final Optional<CgroupLayout> cgroups;

    /** A backend that limits instances with cgroups when {@code layout} is writable. */
    public ProcessBackend(CgroupLayout layout) {
        super(NAME, BackendScope.hostPrograms());
        this.cgroups = layout.writable() ? Optional.of(layout) : Optional.empty();
    }

    /** Needs nothing: without writable cgroups it runs unlimited, and says so. */
    @Override
    protected Optional<CgroupLayout> checkHost(HostNeeds needs) {
        return cgroups;
    }

    @Override
    protected Availability describe(Optional<CgroupLayout> limits) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("isolation", "none (host process)");
        details.put("network", "host loopback, a port per instance");
        details.put("limits", limits.map(CgroupLayout::describe)
                .orElse("none: cgroups are not writable here (run as root on Linux to limit CPU, memory and pids)"));
        String summary = limits.isPresent()
                ? "no isolation, limits by " + limits.get().describe()
                : "no isolation and no limits (cgroups not writable: run as root to enforce them)";
        return Availability.usable(summary, details);
    }

    @Override
    protected PreparedFunction prepareOn(Optional<CgroupLayout> limits, FunctionManifest manifest) {
        requireOneInstancePerFixedPort(NAME, manifest);
        if (!manifest.launch().workdir().isEmpty() || !manifest.launch().user().isEmpty()) {
            throw new SandboxException("workdir, user: a host process runs in its scratch directory (or the artifact's, for"
                    + " a command of its own) as the platform's user; drop them, or choose a container or VM sandbox");
        }
        return new ProcessFunction(manifest, LaunchCommand.forManifest(manifest), limits);
    }

    @Override
    public void reap(InstanceRecord record) {
        record.get(InstanceStart.RECORD_PID).ifPresent(pid ->
                ProcessIdentity.killTree(Long.parseLong(pid), record.get(RECORD_PID_STARTED).orElse("")));
        record.get(InstanceStart.RECORD_CGROUP).ifPresent(name ->
                cgroups.ifPresent(layout -> Cgroups.removeLeftover(layout, name)));
    }
}
