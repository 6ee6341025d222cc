package dev.edgefaas.sandbox;

import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.logs.LineSink;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a backend needs to start one instance.
 *
 * @param instanceId   unique name of the instance; every host resource it creates carries it
 * @param callbackPort port of the platform's callback listener
 * @param readiness    completed when the instance calls back, awaited by the backend
 * @param phases       the backend marks its cold-start phases here
 * @param record       write-ahead record of host resources, for the reaper after a crash
 * @param scratch      a directory of the instance's own (output, temporary files), removed by the caller
 * @param log          where the instance's output goes, line by line, beside its output file
 */
public record InstanceRequest(
        String instanceId, int callbackPort, Readiness readiness, ColdStartPhases phases, InstanceRecord record,
        Path scratch, LineSink log) {

    /** A request whose output is kept in its scratch directory only. */
    public InstanceRequest(String instanceId, int callbackPort, Readiness readiness, ColdStartPhases phases,
                           InstanceRecord record, Path scratch) {
        this(instanceId, callbackPort, readiness, phases, record, scratch, LineSink.NONE);
    }

    public InstanceRequest {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(phases, "phases");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(scratch, "scratch");
        Objects.requireNonNull(log, "log");
    }

    /**
     * This request with a readiness of its own, for a second attempt at the same instance (a boot
     * after a failed restore) that the first attempt's end must not decide. Only for instances
     * that are probed: a callback still goes to the original.
     */
    public InstanceRequest withFreshReadiness() {
        return new InstanceRequest(instanceId, callbackPort, new Readiness(), phases, record, scratch, log);
    }

    /** The URL the instance must {@code GET} once it listens, via the host address it can reach. */
    public URI callbackUrl(String hostAddress) {
        return URI.create("http://" + hostAddress + ":" + callbackPort + "/ready/" + instanceId);
    }
}
