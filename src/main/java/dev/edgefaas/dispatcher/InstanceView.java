package dev.edgefaas.dispatcher;

import dev.edgefaas.sandbox.ColdStartPhases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the management API shows of one instance.
 *
 * @param endpoint  {@code http://host:port}, or null while booting
 * @param coldStart time from start to ready, or null while booting
 * @param phases    the cold start's phases so far (what Server-Timing names), in order
 */
public record InstanceView(
        String id,
        String function,
        String sandbox,
        String state,
        String endpoint,
        OptionalLong pid,
        Instant startedAt,
        Duration coldStart,
        int inFlight,
        Map<String, String> details,
        List<ColdStartPhases.Phase> phases) {
}
