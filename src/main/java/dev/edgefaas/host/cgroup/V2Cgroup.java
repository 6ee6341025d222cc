package dev.edgefaas.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A group in the unified cgroup v2 hierarchy: one directory. */
final class V2Cgroup extends GroupDirectories {
    private static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");
    private static final Duration FREEZE_PATIENCE = Duration.ofSeconds(1);

    private final Path dir;

    private V2Cgroup(String name, Path dir) {
        super(name, List.of(dir));
        this.dir = dir;
    }

    static V2Cgroup create(CgroupLayout layout, String name, CgroupLimits limits) {
        Path root = layout.unifiedRoot().orElseThrow();
        Path parent = root.resolve(CgroupLayout.PARENT);
        // A v2 group only has the controllers its parent hands down, so enable them at each level.
        enableControllers(root);
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + parent + ": " + CgroupFiles.reason(e)
                    + "; run as root with a writable cgroup mount", e);
        }
        enableControllers(parent);
        Path dir = parent.resolve(name);
        makeDirectory(dir);
        V2Cgroup group = new V2Cgroup(name, dir);
        try {
            group.writeLimits(limits);
            return group;
        } catch (RuntimeException e) {
            removeCreated(List.of(dir), e);
            throw e;
        }
    }

    static V2Cgroup open(CgroupLayout layout, Path relative) {
        Path dir = layout.unifiedRoot().orElseThrow().resolve(relative);
        if (!Files.isDirectory(dir)) {
            throw new CgroupException("no cgroup " + dir + ": was it created (e.g. by the OCI runtime for its"
                    + " cgroupsPath)?");
        }
        return new V2Cgroup(relative.toString(), dir);
    }

    private static void enableControllers(Path group) {
        Path control = group.resolve("cgroup.subtree_control");
        Set<String> enabled = Set.of(CgroupFiles.read(control).trim().split("\\s+"));
        String missing = CONTROLLERS.stream().filter(c -> !enabled.contains(c)).map(c -> "+" + c)
                .collect(Collectors.joining(" "));
        if (missing.isEmpty()) {
            return;
        }
        try {
            CgroupFiles.write(control, missing);
        } catch (CgroupException e) {
            boolean busy = e.getMessage().contains("busy");
            throw new CgroupException("cannot enable " + missing + " for the groups below " + group + ": "
                    + e.getMessage() + (busy ? "; " + group + " has processes of its own, and cgroup v2 hands"
                    + " controllers down only from groups without (e.g. a container's cgroup namespace root):"
                    + " move them into a child group first" : ""), e);
        }
    }

    private void writeLimits(CgroupLimits limits) {
        CgroupFiles.write(dir.resolve("cpu.max"), limits.cpuQuotaMicros() + " " + CgroupLimits.CPU_PERIOD_MICROS);
        CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        // No swap, or the group would outlive its memory limit by swapping; absent without swap accounting.
        Path swap = dir.resolve("memory.swap.max");
        if (Files.exists(swap)) {
            CgroupFiles.write(swap, "0");
        }
        CgroupFiles.write(dir.resolve("pids.max"), Long.toString(limits.pidsMax()));
    }

    @Override
    public Duration cpuUsage() {
        Path stat = dir.resolve("cpu.stat");
        long micros = CgroupFiles.keyed(stat, "usage_usec").orElseThrow(
                () -> new CgroupException("no usage_usec in " + stat + ": is this a cgroup v2 group?"));
        return Duration.ofNanos(micros * 1_000);
    }

    @Override
    public long memoryCurrentBytes() {
        return CgroupFiles.readLong(dir.resolve("memory.current"));
    }

    @Override
    public long memoryPeakBytes() {
        // memory.peak appeared in Linux 5.19.
        Path peak = dir.resolve("memory.peak");
        return Files.exists(peak) ? CgroupFiles.readLong(peak) : -1;
    }

    @Override
    public long oomKills() {
        return CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill").orElse(-1);
    }

    @Override
    void killRound() {
        // cgroup.kill (Linux 5.14) kills the whole subtree atomically, forks in flight included.
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            CgroupFiles.write(kill, "1");
        } else {
            super.killRound();
        }
    }

    @Override
    boolean freeze() {
        // cgroup.freeze appeared in Linux 5.2.
        Path freeze = dir.resolve("cgroup.freeze");
        if (!Files.exists(freeze)) {
            return false;
        }
        CgroupFiles.write(freeze, "1");
        Path events = dir.resolve("cgroup.events");
        CgroupFiles.await(() -> CgroupFiles.keyed(events, "frozen").orElse(0) == 1, FREEZE_PATIENCE);
        return true;
    }

    @Override
    void thaw() {
        CgroupFiles.write(dir.resolve("cgroup.freeze"), "0");
    }
}
