package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.DispatchException;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.Lease;
import dev.edgefaas.http.HeaderField;
import dev.edgefaas.metrics.PlatformMetrics;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * {@code ANY /function/{name}/{path...}}: gets a slot on an instance from the dispatcher and
 * proxies the request to it. A request that fails before any of its body was read and before
 * any answer came is retried once on another instance (the first one crashed or was stopped
 * under it); an instance's other failures are answered 502, a client's are left to the
 * connection (400 and close). The lease is released whatever happens. A request refused a slot
 * is told whose limit it met: the function's (429) or the node's (503).
 */
final class InvocationHandler {
    private static final Logger LOG = Logger.getLogger(InvocationHandler.class.getName());

    private final Dispatcher dispatcher;
    private final Forwarder forwarder;
    private final PlatformMetrics metrics;
    private final AsyncHandler async;

    InvocationHandler(Dispatcher dispatcher, Forwarder forwarder, PlatformMetrics metrics, AsyncHandler async) {
        this.dispatcher = dispatcher;
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.async = async;
    }

    /** Answers {@code request}; a client-side failure is left in its body for the connection to act on. */
    void handle(ClientRequest request, ClientResponse response) throws ClientSideException {
        long startNanos = System.nanoTime();
        FunctionPath path = FunctionPath.parse(request.head().rawPath());
        if (path == null && request.head().rawPath().startsWith(AsyncHandler.PREFIX)) {
            async.handle(request, response);
            return;
        }
        if (path == null) {
            ErrorResponses.send(response, 404, "invoke a function at /function/{name}/{path}");
            return;
        }
        Forwarder.Exchange exchange = forwarder.exchange(request, response, path);
        String firstFailure = null;
        for (int attempt = 1; ; attempt++) {
            Lease lease;
            try {
                lease = dispatcher.acquire(path.function(), request.head()::heldBytes);
            } catch (DispatchException e) {
                refuse(path.function(), response, e);
                return;
            }
            Forwarder.Outcome outcome = Forwarder.Outcome.INSTANCE_FAILED;
            try {
                outcome = forwarder.forward(exchange, lease);
            } finally {
                if (outcome == Forwarder.Outcome.ANSWERED || outcome == Forwarder.Outcome.CLIENT_FAILED) {
                    lease.release();
                } else {
                    lease.releaseFailed();
                }
            }
            switch (outcome) {
                case ANSWERED -> {
                    record(lease, response.status(), startNanos);
                    return;
                }
                case CLIENT_FAILED -> {
                    record(lease, 400, startNanos);
                    return;
                }
                case NOTHING_SENT -> {
                    if (attempt == 1 && !exchange.bodyStarted()) {
                        LOG.fine(() -> "retrying " + request.head().method() + " " + request.head().rawPath()
                                + " after instance " + lease.instanceId() + " failed");
                        firstFailure = failure(lease);
                        continue;
                    }
                }
                case INSTANCE_FAILED -> {
                }
            }
            if (!response.committed()) {
                // After a retry both failures are told: the second instance's exit may not be known yet.
                ErrorResponses.send(response, 502, failure(lease)
                        + (firstFailure != null ? " (on retry; on the first try, " + firstFailure + ")" : ""));
            }
            record(lease, 502, startNanos);
            return;
        }
    }

    /** {@code instance ID of function 'F' failed to answer[: it DIAGNOSIS]}. */
    private static String failure(Lease lease) {
        return "instance " + lease.instanceId() + " of function '" + lease.function() + "' failed to answer"
                + lease.exitDiagnosis().map(d -> ": it " + d.describe()).orElse("");
    }

    private void record(Lease lease, int status, long startNanos) {
        metrics.invocation(lease.function(), lease.sandbox(), lease.start().header(), status, System.nanoTime() - startNanos);
    }

    /** Answers a request no instance was given: 429 for the function's own limits, 503 for the node's. */
    private void refuse(String function, ClientResponse response, DispatchException e) throws ClientSideException {
        int status = switch (e.reason()) {
            case UNKNOWN_FUNCTION -> 404;
            case SATURATED, FUNCTION_QUEUE_FULL -> 429;
            case NODE_FULL, NODE_FAILED, DRAINING -> 503;
            case START_FAILED -> 502;
        };
        // Every name a client makes up would be a time series of its own.
        metrics.refusedInvocation(e.reason() == DispatchException.Reason.UNKNOWN_FUNCTION ? "" : function,
                e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), status);
        ErrorResponses.send(response, status, e.getMessage(), ErrorResponses.retryAfter(e.retryAfter()));
    }
}
