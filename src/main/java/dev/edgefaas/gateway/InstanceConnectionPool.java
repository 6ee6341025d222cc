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
 * Keep-alive connections to instances. Idle ones wait by endpoint, most recently used first.
 * Every open connection is also in one set, entered when it opens and left when it closes, so
 * that {@link #sweep} can close those idle too long (of stopped instances among them) and those
 * busy past the exchange timeout (a hung instance) without bookkeeping on every request.
 */
final class InstanceConnectionPool implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Map<URI, Deque<InstanceConnection>> idle = new ConcurrentHashMap<>();
    private final Set<InstanceConnection> open = ConcurrentHashMap.newKeySet();
    private final Duration exchangeTimeout;

    InstanceConnectionPool(Duration exchangeTimeout) {
        this.exchangeTimeout = exchangeTimeout;
    }

    /** An idle connection to {@code endpoint}, or a new one. */
    InstanceConnection acquire(URI endpoint) throws IOException {
        Deque<InstanceConnection> connections = idle.get(endpoint);
        InstanceConnection pooled = connections == null ? null : connections.pollFirst();
        if (pooled == null) {
            return open(endpoint);
        }
        pooled.markBusy();
        return pooled;
    }

    /** A new connection, for a first exchange or a retry after a pooled one turned out closed. */
    InstanceConnection open(URI endpoint) throws IOException {
        InstanceConnection connection = InstanceConnection.open(endpoint, CONNECT_TIMEOUT_MILLIS);
        connection.markBusy();
        open.add(connection);
        return connection;
    }

    /** Returns a connection whose exchange completed and that may carry another. */
    void release(InstanceConnection connection) {
        if (!open.contains(connection)) {
            // Closed under its exchange by closeAll: the instance stopped. Pooling it would bring its
            // endpoint back into the idle map, for good.
            return;
        }
        connection.markIdle();
        idle.computeIfAbsent(connection.endpoint(), e -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
    }

    /** Closes a connection after a failed or final exchange. */
    void discard(InstanceConnection connection) {
        open.remove(connection);
        connection.close();
    }

    /** Closes every connection to {@code endpoint}, busy ones too: their requests fail with a socket error. */
    void closeAll(URI endpoint) {
        // Its deque goes too: with a port per instance, every instance that ever stopped would
        // otherwise leave an entry for the life of the node. A connection released into the
        // removed deque meanwhile is still in the open set, closed just below.
        Deque<InstanceConnection> connections = idle.remove(endpoint);
        if (connections != null) {
            for (InstanceConnection connection = connections.pollFirst(); connection != null; connection = connections.pollFirst()) {
                discard(connection);
            }
        }
        for (InstanceConnection connection : open) {
            if (connection.endpoint().equals(endpoint)) {
                discard(connection);
            }
        }
    }

    /** Closes connections idle longer than {@code maxIdle} and those busy longer than the exchange timeout. */
    void sweep(Duration maxIdle) {
        long now = System.nanoTime();
        for (Deque<InstanceConnection> connections : idle.values()) {
            // The oldest are at the tail. Empty deques stay: removing one could race with a release into it.
            for (InstanceConnection oldest = connections.peekLast();
                 oldest != null && now - oldest.sinceNanos() > maxIdle.toNanos();
                 oldest = connections.peekLast()) {
                if (connections.removeLastOccurrence(oldest)) {
                    discard(oldest);
                }
            }
        }
        for (InstanceConnection connection : open) {
            if (connection.busy() && now - connection.sinceNanos() > exchangeTimeout.toNanos()) {
                // The request blocked on it fails with a socket error and is answered 502.
                discard(connection);
            }
        }
    }

    /** Endpoints that have a deque of idle connections, empty or not. */
    int endpointsKnown() {
        return idle.size();
    }

    @Override
    public void close() {
        open.forEach(this::discard);
        idle.clear();
    }
}
