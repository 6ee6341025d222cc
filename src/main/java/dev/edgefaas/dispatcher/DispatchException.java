package dev.edgefaas.dispatcher;

import java.time.Duration;

/** A request could not be given an instance; {@link #reason()} tells the gateway how to answer. */
public final class DispatchException extends RuntimeException {

    /** Why no instance was given. */
    public enum Reason {
        /** No function of that name is deployed. */
        UNKNOWN_FUNCTION,
        /** Every instance was busy at max-instances for the whole queue timeout. */
        SATURATED,
        /** The instance meant for the request failed to start. */
        START_FAILED,
        /** The function is being removed or the platform is shutting down. */
        DRAINING
    }

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

    public Reason reason() {
        return reason;
    }

    /** How long a client should wait before trying again, for {@link Reason#SATURATED}. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
