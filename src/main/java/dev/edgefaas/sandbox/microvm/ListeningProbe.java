package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.sandbox.Readiness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Readiness for a guest that cannot call back (its image cannot say where to): the instance is
 * ready once its port accepts a connection. Connecting is how the paper's harness saw readiness
 * too; a refused connection is retried at once, an unanswered one after a short timeout.
 */
final class ListeningProbe {
    private static final int CONNECT_TIMEOUT_MILLIS = 50;
    private static final long PAUSE_MILLIS = 2;

    private ListeningProbe() {
    }

    /** Signals {@code readiness} from a virtual thread once {@code host:port} accepts; gives up when {@code vmm} exits. */
    static void start(String id, String host, int port, Process vmm, Readiness readiness) {
        ThreadFactories.startVirtual("probe-" + id, () -> {
            InetSocketAddress address = new InetSocketAddress(host, port);
            while (vmm.isAlive() && !readiness.isDone()) {
                try (Socket socket = new Socket()) {
                    socket.connect(address, CONNECT_TIMEOUT_MILLIS);
                    readiness.signalReady();
                    return;
                } catch (IOException notYet) {
                    try {
                        Thread.sleep(PAUSE_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }
}
