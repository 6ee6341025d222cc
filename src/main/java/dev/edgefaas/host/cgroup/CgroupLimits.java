package dev.edgefaas.host.cgroup;

/**
 * The limits of one group.
 *
 * @param vcpus       CPU time as a number of CPUs, e.g. {@code 0.5} for half of one; more than 0.
 *                    Enforced as a CFS quota per {@link #CPU_PERIOD_MICROS} period, never less than
 *                    the kernel's minimum quota of 1 ms
 * @param memoryBytes memory, swap excluded (swap is disabled for the group where the kernel
 *                    allows it); at least {@link #MIN_MEMORY_BYTES}
 * @param pidsMax     processes and threads the group may hold at once; at least 1. There is no
 *                    "unlimited": the kernel's {@code pids.max} of 0 means "no task at all", so 0
 *                    here would be ambiguous, and a function should never need unbounded forks.
 */
public record CgroupLimits(double vcpus, long memoryBytes, long pidsMax) {
    /** The CFS period: 100 ms, the kernel's default. */
    public static final long CPU_PERIOD_MICROS = 100_000;
    /** Below this a runtime cannot even start; the kernel accepts less but it only means OOM kills. */
    public static final long MIN_MEMORY_BYTES = 4L * 1024 * 1024;
    /** The kernel rejects CFS quotas shorter than 1 ms. */
    private static final long MIN_QUOTA_MICROS = 1_000;

    public CgroupLimits {
        if (!(vcpus > 0) || Double.isInfinite(vcpus)) {
            throw new IllegalArgumentException("vcpus must be a finite number above 0, e.g. 0.5, got " + vcpus);
        }
        if (memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("memoryBytes must be at least " + MIN_MEMORY_BYTES
                    + " (4 MiB), got " + memoryBytes);
        }
        if (pidsMax < 1) {
            throw new IllegalArgumentException("pidsMax must be at least 1 (the group's own process), got " + pidsMax);
        }
    }

    /** The CFS quota per {@link #CPU_PERIOD_MICROS} that grants {@link #vcpus()}. */
    public long cpuQuotaMicros() {
        return Math.max(MIN_QUOTA_MICROS, Math.round(vcpus * CPU_PERIOD_MICROS));
    }
}
