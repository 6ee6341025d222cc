package dev.edgefaas.dispatcher;

import java.time.Duration;

/** A request could not be given an instance; {@link #reason()} tells the gateway how to answer. */
public final class DispatchException extends RuntimeException {

    /** Why no instance was given. */
    public enum Reason {
        /** No function of that name is deployed. */
        UNKNOWN_FUNCTION,
        /** Every instance was busy at max-instances for the whole queue timeout: the function's limit (429). */
        SATURATED,
        /** The function already has max-queue requests waiting for an instance: refused at once (429). */
        FUNCTION_QUEUE_FULL,
        /** The node's bound on waiting requests, in number or bytes, is reached (503). */
        NODE_FULL,
        /** The instance meant for the request failed to start. */
        START_FAILED,
        /** The node could not set an instance up (a full disk, say): the node's failure, not the function's (503). */
        NODE_FAILED,
        /** The function is being removed or the platform is shutting down. */
        DRAINING
    }

    /** What a client is told to wait when capacity should free soon: an instance's request or cold start. */
    static final Duration RETRY_SOON = Duration.ofSeconds(1);

    private final Reason reason;
    private final Duration retryAfter;

    DispatchException(Reason reason, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    static DispatchException unknownFunction(String name) {
        return new DispatchException(Reason.UNKNOWN_FUNCTION, "no function named '" + name + "' is deployed;"
                + " GET /api/functions lists those that are", Duration.ZERO, null);
    }

    static DispatchException nodeFull(String function, String why) {
        return new DispatchException(Reason.NODE_FULL, "this node is out of capacity for '" + function + "': " + why
                + "; try again shortly", RETRY_SOON, null);
    }

    public Reason reason() {
        return reason;
    }

    /** How long a client should wait before trying again, for the reasons that are about capacity. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
