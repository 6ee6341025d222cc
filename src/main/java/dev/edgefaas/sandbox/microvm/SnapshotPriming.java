package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.http.KeepAliveConnection;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Sends a booted guest, ready and about to be saved, its manifest's priming request
 * ({@link FunctionManifest.SnapshotPrime}): under TCG it takes a fifth to a half off every
 * restore's first answer (the README has the figures).
 */
final class SnapshotPriming {
    private static final Logger LOG = Logger.getLogger(SnapshotPriming.class.getName());
    /** A guest that takes longer is saved as it is: priming only spares its clones work, it is not readiness. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private SnapshotPriming() {
    }

    /**
     * Sends the request and reads the whole answer, whatever its status (a 404 has run the
     * server's paths as well), then closes the connection from this side: the guest is left with
     * no connection state, where with {@code Connection: close} it would keep the closing side's
     * TIME_WAIT, and every clone with it.
     */
    static void prime(URI guest, FunctionManifest.SnapshotPrime prime, String version) {
        try {
            send(guest, prime);
        } catch (IOException e) {
            LOG.warning(() -> "the priming request " + prime.method() + " " + prime.requestTarget() + " to " + version
                    + " failed (" + e.getMessage() + "); it is saved unprimed");
        }
    }

    /** Sends the request as {@link #prime} does; nothing if priming is off. */
    static void send(URI guest, FunctionManifest.SnapshotPrime prime) throws IOException {
        if (prime.off()) {
            return;
        }
        try (KeepAliveConnection connection = new KeepAliveConnection(guest, prime.method(), prime.requestTarget(),
                PATIENCE)) {
            connection.get();
        }
    }
}
