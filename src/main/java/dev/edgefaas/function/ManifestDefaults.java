package dev.edgefaas.function;

import java.time.Duration;

/**
 * What a manifest gets for keys it leaves out, and the host's capacity that bounds its limits.
 * The resource defaults are the paper's: 1 vCPU and 512 MiB per instance.
 */
public record ManifestDefaults(String sandbox, long hostMemoryMib, int hostCpus) {
    public static final Duration KEEPALIVE = Duration.ofSeconds(60);
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(25);
    public static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(10);
    public static final int CONCURRENCY = 64;
    /** Requests that may wait for an instance at max-instances; a burst beyond it is refused (429) at once. */
    public static final int MAX_QUEUE = 256;
    public static final int MAX_INSTANCES = 10;
    public static final int MEMORY_MIB = 512;
    public static final double VCPUS = 1.0;
    /** Below this a Go or Node.js instance cannot even start. */
    public static final int MIN_MEMORY_MIB = 16;
    /** Processes and threads one instance may have: enough for Go and Node.js, too few for a fork bomb. */
    public static final int PIDS_MAX = 256;

    /** Defaults for this host, with {@code sandbox} for manifests that name none. */
    public static ManifestDefaults forHost(String sandbox) {
        long memoryMib = HostCapacity.memoryMib();
        return new ManifestDefaults(sandbox, memoryMib, java.lang.Runtime.getRuntime().availableProcessors());
    }
}
