package dev.edgefaas.dispatcher;

import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.sandbox.ColdStartPhases;
import dev.edgefaas.sandbox.Diagnosis;
import dev.edgefaas.sandbox.SandboxInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The dispatcher's view of one instance: from the moment it is decided on, through booting and
 * serving, to stopped. Mutable fields are guarded by the owning {@link FunctionPool}'s lock.
 */
final class LiveInstance {

    enum State { BOOTING, READY, STOPPING }

    final String id;
    final Instant createdAt = Instant.now();
    final ColdStartPhases phases = new ColdStartPhases();
    /** Completes with the ready sandbox, or with the reason it failed to start. */
    final CompletableFuture<SandboxInstance> booted = new CompletableFuture<>();
    /** Counted down once the instance has stopped unexpectedly and been taken out of service. */
    final CountDownLatch exitHandled = new CountDownLatch(1);
    /** Why it stopped, seen when it stopped unexpectedly (a later look finds its traces removed). */
    volatile Diagnosis exitDiagnosis;
    final InstanceRecord record;
    final Path scratch;

    State state = State.BOOTING;
    SandboxInstance sandbox;
    Duration coldStart;
    /** Requests being served plus requests waiting for this instance to finish booting. */
    int inFlight;
    int served;
    long lastReleasedNanos = System.nanoTime();

    LiveInstance(String id, InstanceRecord record, Path scratch) {
        this.id = id;
        this.record = record;
        this.scratch = scratch;
    }

    boolean hasFreeSlot(int concurrency) {
        return inFlight < concurrency;
    }

    InstanceView view(String function, String sandboxName) {
        SandboxInstance ready = sandbox;
        return new InstanceView(id, function, sandboxName, state.name().toLowerCase(Locale.ROOT),
                ready == null ? null : ready.endpoint().toString(),
                ready == null ? OptionalLong.empty() : ready.pid(),
                createdAt, coldStart, inFlight,
                ready == null ? Map.of() : ready.details(), phases.phases());
    }
}
