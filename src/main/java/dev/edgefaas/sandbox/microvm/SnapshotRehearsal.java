package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.sandbox.Readiness;
import dev.edgefaas.sandbox.ReadinessProbe;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Restores one clone of a snapshot where nobody waits for it, in a standby VMM, and records its
 * {@link WorkingSet}: what the clone's VMM has in memory once the guest has accepted a connection
 * and answered the priming request, which stands for a first request here as it did in the
 * booted guest. The clone is discarded after; that it accepted spares later clones their probe
 * ({@link GuestSnapshot#clonesAccept}).
 */
final class SnapshotRehearsal {
    private SnapshotRehearsal() {
    }

    /**
     * Restores {@code snapshot} in {@code standby}, whose guest {@code endpoint} must accept within
     * {@code patience}, and discards it, whatever happens.
     *
     * @throws IOException if the clone cannot be restored, did not accept in time or did not answer
     */
    static WorkingSet record(Vmm vmm, GuestSnapshot snapshot, StandbyVmms.Standby standby, URI endpoint,
            FunctionManifest.SnapshotPrime prime, Duration patience) throws IOException {
        try {
            Process process = standby.process();
            vmm.awaitRestore(standby.scratch(), process, snapshot.saved().resumedAfter(Instant.now()), snapshot.ram());
            awaitAccepting(standby.id(), endpoint, process, patience);
            SnapshotPriming.send(endpoint, prime);
            return WorkingSet.of(process.pid(), snapshot.ram());
        } finally {
            standby.discard();
        }
    }

    /** Waits for the guest's port with the probe a restored instance's readiness uses. */
    private static void awaitAccepting(String id, URI endpoint, Process process, Duration patience) throws IOException {
        Readiness readiness = new Readiness();
        process.onExit().thenRun(readiness::signalExited);
        ReadinessProbe.start(id, endpoint, ReadinessCheck.TCP, process::isAlive, readiness);
        switch (readiness.await(patience)) {
            case READY -> { }
            case EXITED -> throw new IOException("the restored VMM exited (" + process.exitValue() + ")");
            case TIMED_OUT -> throw new IOException("the restored guest did not accept on " + endpoint.getAuthority()
                    + " within " + patience.toMillis() + " ms");
        }
    }
}
