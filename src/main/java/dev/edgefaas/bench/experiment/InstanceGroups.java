package dev.edgefaas.bench.experiment;

import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Resource use of an instance read from its cgroup ({@code edgefaas/<instance>}), which every
 * backend makes and which holds all of the instance's processes: the function, the container,
 * the VMM. perf's instruction counters are not available on every host (not on this kind of
 * VM); CPU time is, so the experiments use it and say so.
 */
final class InstanceGroups {
    private static final CgroupLayout LAYOUT = CgroupLayout.detect();

    private InstanceGroups() {
    }

    static Optional<Duration> cpuTime(String instanceId) {
        return open(instanceId).map(Cgroup::cpuUsage);
    }

    static Optional<Long> memoryBytes(String instanceId) {
        return open(instanceId).map(Cgroup::memoryCurrentBytes);
    }

    private static Optional<Cgroup> open(String instanceId) {
        try {
            return Optional.of(Cgroup.open(LAYOUT, CgroupLayout.PARENT + "/" + instanceId));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The host's available memory, from {@code /proc/meminfo}, in MiB. */
    static double memAvailableMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
