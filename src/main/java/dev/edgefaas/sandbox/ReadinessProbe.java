package dev.edgefaas.sandbox;

import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.host.ThreadFactories;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Readiness for an instance that does not call back: ready once its port accepts a connection
 * ({@code tcp}, as the paper's harness saw it) or once a path answers 2xx ({@code http:/path}).
 * One virtual thread per starting instance; a refused connection is retried after a pause of a
 * few milliseconds that grows, so that a slow start costs little CPU and a fast one little time.
 */
public final class ReadinessProbe {
    private static final int CONNECT_TIMEOUT_MILLIS = 50;
    private static final int ANSWER_TIMEOUT_MILLIS = 1_000;
    private static final long FIRST_PAUSE_MILLIS = 1;
    private static final long LONGEST_PAUSE_MILLIS = 20;

    private ReadinessProbe() {
    }

    /**
     * Signals {@code readiness} once {@code endpoint} passes {@code check}; gives up when {@code alive}
     * turns false or the start is decided otherwise.
     */
    public static void start(String id, URI endpoint, ReadinessCheck check, BooleanSupplier alive, Readiness readiness) {
        ThreadFactories.startVirtual("probe-" + id, () -> {
            InetSocketAddress address = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
            long pause = FIRST_PAUSE_MILLIS;
            while (alive.getAsBoolean() && !readiness.isDone()) {
                if (passes(address, check)) {
                    readiness.signalReady();
                    return;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
                pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
            }
        });
    }

    private static boolean passes(InetSocketAddress address, ReadinessCheck check) {
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            return check.kind() != ReadinessCheck.Kind.HTTP || answers2xx(socket, address, check.path());
        } catch (IOException notYet) {
            return false;
        }
    }

    /** One {@code GET} on its own connection; only the status line is read. */
    private static boolean answers2xx(Socket socket, InetSocketAddress address, String path) throws IOException {
        socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nConnection: close\r\nUser-Agent: edgefaas-readiness\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] status = in.readNBytes("HTTP/1.1 200".length());
        String line = new String(status, StandardCharsets.US_ASCII);
        return line.length() == 12 && line.startsWith("HTTP/1.") && line.charAt(9) == '2';
    }
}
