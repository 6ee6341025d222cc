package dev.edgefaas.dispatcher;

import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.sandbox.SandboxInstance;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resource use of an instance read from its cgroup ({@code edgefaas/<instance>}, or the one its
 * details name), which every backend makes and which holds all of the instance's processes: the
 * function, the container, the VMM. perf's instruction counters are not available on every host
 * (not on this kind of VM); CPU time is, so the experiments and the dashboard use it.
 */
public final class InstanceResources {
    private static final CgroupLayout LAYOUT = CgroupLayout.detect();

    private InstanceResources() {
    }

    /** CPU time the instance used since it started; empty if its cgroup is gone or unreadable. */
    public static Optional<Duration> cpuTime(InstanceView instance) {
        return read(instance, Cgroup::cpuUsage);
    }

    /** Memory charged to the instance now. */
    public static Optional<Long> memoryBytes(InstanceView instance) {
        return read(instance, Cgroup::memoryCurrentBytes);
    }

    private static <T> Optional<T> read(InstanceView instance, Function<Cgroup, T> reading) {
        String name = instance.details().getOrDefault(SandboxInstance.DETAIL_CGROUP, instance.id());
        try {
            return Optional.of(reading.apply(Cgroup.open(LAYOUT, CgroupLayout.PARENT + "/" + name)));
        } catch (RuntimeException e) {
            return Optional.empty(); // No cgroup (yet, or any more: stopped while being read).
        }
    }
}
