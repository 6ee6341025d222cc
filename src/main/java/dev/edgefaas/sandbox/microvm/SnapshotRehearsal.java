package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Restores one clone of a snapshot where nobody waits for it, in a standby VMM, and records its
 * {@link WorkingSet}: what the clone's VMM has in memory once the guest has accepted a connection
 * and answered the priming request, which stands for a first request here as it did in the
 * booted guest. The clone is discarded after.
 */
final class SnapshotRehearsal {
    private static final int CONNECT_TIMEOUT_MILLIS = 50;
    private static final long PAUSE_MILLIS = 5;

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
            awaitAccepting(endpoint, process, patience);
            SnapshotPriming.send(endpoint, prime);
            return WorkingSet.of(process.pid(), snapshot.ram());
        } finally {
            standby.discard();
        }
    }

    private static void awaitAccepting(URI endpoint, Process process, Duration patience) throws IOException {
        InetSocketAddress address = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(address, CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("the restored VMM exited (" + process.exitValue() + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the restored guest did not accept on " + address + " within "
                            + patience.toMillis() + " ms");
                }
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the restored guest", e);
            }
        }
    }
}
