package dev.edgefaas.gateway;

import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.metrics.PlatformMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * The invocation listener: the gateway's own HTTP/1.1 server, one virtual thread per client
 * connection. It is ours rather than a library's because a proxy is judged by its parsing: the
 * framing rules of RFC 9112 are enforced in {@code dev.edgefaas.http}, where they can be read
 * and tested, and nothing the client sent reaches an instance unless it has one meaning.
 */
final class InvocationListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InvocationListener.class.getName());
    private static final int BACKLOG = 4096;
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(50);

    private final ServerSocket serverSocket;
    private final InvocationHandler handler;
    private final PlatformMetrics metrics;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final ThreadFactory connectionThreads = ThreadFactories.virtualFactory("edgefaas-client");
    private volatile boolean closed;

    private InvocationListener(ServerSocket serverSocket, InvocationHandler handler, PlatformMetrics metrics) {
        this.serverSocket = serverSocket;
        this.handler = handler;
        this.metrics = metrics;
    }

    /** Binds {@code host:port} (0: any free port) and accepts connections until {@link #close}. */
    static InvocationListener start(String host, int port, InvocationHandler handler, PlatformMetrics metrics) {
        ServerSocket serverSocket;
        try {
            serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(host, port), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for invocations on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another --port, or stop what uses it", e);
        }
        InvocationListener listener = new InvocationListener(serverSocket, handler, metrics);
        ThreadFactories.startVirtual("edgefaas-invocation-accept", listener::acceptLoop);
        return listener;
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Out of file descriptors, say: keep listening, but let closing connections free some first.
                LOG.warning("accepting an invocation connection failed: " + e);
                try {
                    Thread.sleep(ACCEPT_BACKOFF.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            ClientConnection connection = new ClientConnection(socket, handler, metrics, connections::remove);
            connections.add(connection);
            if (closed) {
                // close() ran between accept and add: it did not see this one.
                connection.close();
            }
            connectionThreads.newThread(connection).start();
        }
    }

    /** Closes client connections that have waited longer than {@code maxIdle} for their next request. */
    void sweepIdle(Duration maxIdle) {
        long now = System.nanoTime();
        for (ClientConnection connection : connections) {
            if (connection.idleNanos(now) > maxIdle.toNanos()) {
                connection.close();
            }
        }
    }

    /** Stops accepting and closes every client connection; requests still in flight fail. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // Closing the listening socket we are done with: nothing to act on.
        }
        connections.forEach(ClientConnection::close);
    }
}
