package dev.edgefaas.async;

import java.time.Duration;

/**
 * An asynchronous invocation that was not accepted, with the status to answer: 400 (a bad
 * callback URL or target), 404 (no such function), 413 (its body is too large), 429 (the queue
 * is full), 503 (the node cannot keep it or is stopping). Nothing of it was kept.
 */
public final class AsyncRefusal extends Exception {
    private final int status;
    private final Duration retryAfter;

    AsyncRefusal(int status, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    AsyncRefusal(int status, String message) {
        this(status, message, Duration.ZERO);
    }

    public int status() {
        return status;
    }

    /** How long a client should wait before trying again; zero if trying again will not help. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
