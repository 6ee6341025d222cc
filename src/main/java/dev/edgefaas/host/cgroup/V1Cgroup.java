package dev.edgefaas.host.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A group in the cgroup v1 hierarchies, one directory per hierarchy (co-mounted controllers
 * share one). A hierarchy that also carries cpuset is not supported: its new groups would
 * need cpuset.cpus and cpuset.mems before they accept a process.
 */
final class V1Cgroup extends GroupDirectories {
    private static final Duration FREEZE_PATIENCE = Duration.ofSeconds(1);

    private final Map<Controller, Path> dirs;

    private V1Cgroup(String name, Map<Controller, Path> dirs) {
        super(name, new ArrayList<>(new LinkedHashSet<>(dirs.values())));
        this.dirs = Collections.unmodifiableMap(new EnumMap<>(dirs));
    }

    static V1Cgroup create(CgroupLayout layout, String name, CgroupLimits limits) {
        Path relative = Path.of(CgroupLayout.PARENT, name);
        Map<Controller, Path> dirs = new EnumMap<>(Controller.class);
        layout.v1Mounts().forEach((controller, root) -> dirs.put(controller, root.resolve(relative)));
        V1Cgroup group = new V1Cgroup(name, dirs);
        List<Path> created = new ArrayList<>();
        try {
            for (Path dir : group.paths()) {
                makeDirectory(dir);
                created.add(dir);
            }
            group.writeLimits(limits);
            return group;
        } catch (RuntimeException e) {
            removeCreated(created, e);
            throw e;
        }
    }

    static V1Cgroup open(CgroupLayout layout, Path relative) {
        Map<Controller, Path> dirs = new EnumMap<>(Controller.class);
        layout.v1Mounts().forEach((controller, root) -> {
            if (Files.isDirectory(root.resolve(relative))) {
                dirs.put(controller, root.resolve(relative));
            }
        });
        if (dirs.isEmpty()) {
            throw new CgroupException("no cgroup " + relative + " in any of " + layout.hierarchyRoots()
                    + ": was it created (e.g. by the OCI runtime for its cgroupsPath)?");
        }
        return new V1Cgroup(relative.toString(), dirs);
    }

    private void writeLimits(CgroupLimits limits) {
        Path cpu = dir(Controller.CPU);
        CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CgroupLimits.CPU_PERIOD_MICROS));
        CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
        Path memory = dir(Controller.MEMORY);
        String bytes = Long.toString(limits.memoryBytes());
        CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), bytes);
        // memory+swap at the same limit leaves no room to swap out; absent without swap accounting.
        Path memorySwap = memory.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memorySwap)) {
            CgroupFiles.write(memorySwap, bytes);
        }
        CgroupFiles.write(dir(Controller.PIDS).resolve("pids.max"), Long.toString(limits.pidsMax()));
    }

    @Override
    public Duration cpuUsage() {
        return Duration.ofNanos(CgroupFiles.readLong(dir(Controller.CPUACCT).resolve("cpuacct.usage")));
    }

    @Override
    public long memoryCurrentBytes() {
        return CgroupFiles.readLong(dir(Controller.MEMORY).resolve("memory.usage_in_bytes"));
    }

    @Override
    public long memoryPeakBytes() {
        return CgroupFiles.readLong(dir(Controller.MEMORY).resolve("memory.max_usage_in_bytes"));
    }

    @Override
    public long oomKills() {
        // The oom_kill line appeared in Linux 4.13; older kernels do not count kills at all.
        return CgroupFiles.keyed(dir(Controller.MEMORY).resolve("memory.oom_control"), "oom_kill").orElse(-1);
    }

    @Override
    boolean freeze() {
        Path freezer = dirs.get(Controller.FREEZER);
        if (freezer == null || !Files.isDirectory(freezer)) {
            return false;
        }
        Path state = freezer.resolve("freezer.state");
        CgroupFiles.write(state, "FROZEN");
        // FREEZING while a task is in uninterruptible sleep: kill anyway, the next round catches up.
        CgroupFiles.await(() -> CgroupFiles.read(state).trim().equals("FROZEN"), FREEZE_PATIENCE);
        return true;
    }

    @Override
    void thaw() {
        CgroupFiles.write(dirs.get(Controller.FREEZER).resolve("freezer.state"), "THAWED");
    }

    private Path dir(Controller controller) {
        Path dir = dirs.get(controller);
        if (dir == null) {
            throw new CgroupException("cgroup " + name() + " is in no " + controller.kernelName()
                    + " hierarchy: mount that controller (see /proc/self/mounts) or create the group there");
        }
        return dir;
    }
}
