package dev.edgefaas.bench.experiment;

import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Resource use of an instance read from its cgroup ({@code edgefaas/<instance>}, or the one its
 * details name), which every backend makes and which holds all of the instance's processes: the function, the container,
 * the VMM. perf's instruction counters are not available on every host (not on this kind of
 * VM); CPU time is, so the experiments use it and say so.
 */
final class InstanceGroups {
    private static final CgroupLayout LAYOUT = CgroupLayout.detect();

    private InstanceGroups() {
    }

    static Optional<Duration> cpuTime(InstanceView instance) {
        return open(instance).map(Cgroup::cpuUsage);
    }

    static Optional<Long> memoryBytes(InstanceView instance) {
        return open(instance).map(Cgroup::memoryCurrentBytes);
    }

    private static Optional<Cgroup> open(InstanceView instance) {
        String name = instance.details().getOrDefault(SandboxInstance.DETAIL_CGROUP, instance.id());
        try {
            return Optional.of(Cgroup.open(LAYOUT, CgroupLayout.PARENT + "/" + name));
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
