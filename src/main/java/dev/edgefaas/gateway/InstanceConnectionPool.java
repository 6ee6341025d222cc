package dev.edgefaas.gateway;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Keep-alive connections to instances: idle ones by endpoint, most recently used first, and the
 * busy ones, so that {@link #sweep} can close connections idle too long (those of stopped
 * instances among them) and those busy past the read timeout (a hung instance).
 */
final class InstanceConnectionPool implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Map<URI, Deque<InstanceConnection>> idle = new ConcurrentHashMap<>();
    private final Set<InstanceConnection> busy = ConcurrentHashMap.newKeySet();
    private final Duration readTimeout;

    InstanceConnectionPool(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    /** An idle connection to {@code endpoint}, or a new one. */
    InstanceConnection acquire(URI endpoint) throws IOException {
        Deque<InstanceConnection> connections = idle.get(endpoint);
        InstanceConnection pooled = connections == null ? null : connections.pollFirst();
        return busy(pooled != null ? pooled : InstanceConnection.open(endpoint, CONNECT_TIMEOUT_MILLIS));
    }

    /** A new connection, for a retry after a pooled one turned out closed. */
    InstanceConnection open(URI endpoint) throws IOException {
        return busy(InstanceConnection.open(endpoint, CONNECT_TIMEOUT_MILLIS));
    }

    private InstanceConnection busy(InstanceConnection connection) {
        connection.markBusy();
        busy.add(connection);
        return connection;
    }

    /** Returns a connection whose exchange completed and that may carry another. */
    void release(InstanceConnection connection) {
        busy.remove(connection);
        connection.markIdle();
        idle.computeIfAbsent(connection.endpoint(), e -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
    }

    /** Forgets a connection that was closed after a failed or final exchange. */
    void discard(InstanceConnection connection) {
        busy.remove(connection);
        connection.close();
    }

    /** Closes connections idle longer than {@code maxIdle} and those busy longer than the read timeout. */
    void sweep(Duration maxIdle) {
        long now = System.nanoTime();
        // Empty deques stay: removing one could race with a release into it and lose a connection.
        for (Deque<InstanceConnection> connections : idle.values()) {
            // The oldest are at the tail.
            for (InstanceConnection oldest = connections.peekLast();
                 oldest != null && now - oldest.sinceNanos() > maxIdle.toNanos();
                 oldest = connections.peekLast()) {
                if (connections.removeLastOccurrence(oldest)) {
                    oldest.close();
                }
            }
        }
        for (InstanceConnection connection : busy) {
            if (now - connection.sinceNanos() > readTimeout.toNanos()) {
                // The request blocked on it fails with a socket error and is answered 502.
                discard(connection);
            }
        }
    }

    @Override
    public void close() {
        idle.values().forEach(connections -> {
            for (InstanceConnection c = connections.pollFirst(); c != null; c = connections.pollFirst()) {
                c.close();
            }
        });
        busy.forEach(InstanceConnection::close);
    }
}
