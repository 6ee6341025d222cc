package dev.edgefaas.dispatcher;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's bound on requests waiting for an instance, across all functions: in number, and in
 * bytes held. A waiting request holds its head in memory (its body stays in the client's socket
 * until an instance reads it), so a few thousand fat heads could take what the instances need;
 * past either bound a request is refused at once (503: the node, not the function, is full).
 */
public final class WaitingRoom {
    public static final int DEFAULT_REQUESTS = 4096;
    public static final long DEFAULT_BYTES = 64L * 1024 * 1024;

    private final int maxRequests;
    private final long maxBytes;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    public WaitingRoom(int maxRequests, long maxBytes) {
        if (maxRequests < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a waiting room holds at least one request and one byte");
        }
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    public static WaitingRoom defaults() {
        return new WaitingRoom(DEFAULT_REQUESTS, DEFAULT_BYTES);
    }

    /**
     * Admits one request holding {@code heldBytes}; the caller {@linkplain #leave leaves} once it
     * stops waiting.
     *
     * @throws DispatchException ({@link DispatchException.Reason#NODE_FULL}) past either bound
     */
    void enter(String function, long heldBytes) {
        if (requests.incrementAndGet() > maxRequests) {
            requests.decrementAndGet();
            throw DispatchException.nodeFull(function, maxRequests + " requests are waiting for instances on this node");
        }
        if (bytes.addAndGet(heldBytes) > maxBytes) {
            bytes.addAndGet(-heldBytes);
            requests.decrementAndGet();
            throw DispatchException.nodeFull(function, "requests waiting for instances on this node hold "
                    + maxBytes / 1024 + " KiB");
        }
    }

    void leave(long heldBytes) {
        bytes.addAndGet(-heldBytes);
        requests.decrementAndGet();
    }

    public long requests() {
        return requests.get();
    }

    public long bytes() {
        return bytes.get();
    }
}
