package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.DispatchException;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.Lease;
import dev.edgefaas.http.RequestHead;
import dev.edgefaas.metrics.PlatformMetrics;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Routes each request of the invocation listener: {@code ANY /function/{name}/{path...}} is
 * proxied to an instance ({@link ProxyExchange}), {@code POST /async-function/...} is queued
 * ({@link AsyncExchange}), anything else is 404. Holds what the exchanges share, and how they
 * record and refuse: a request refused a slot is told whose limit it met, the function's (429)
 * or the node's (503).
 */
final class InvocationHandler {
    private final Dispatcher dispatcher;
    private final InstanceLinks links;
    private final TrustedProxies trustedProxies;
    private final PlatformMetrics metrics;
    private final AsyncHandler async;
    private final Executor waiters;

    /** @param waiters runs what blocks (waiting for a slot, the asynchronous handler), never an event loop */
    InvocationHandler(Dispatcher dispatcher, InstanceLinks links, TrustedProxies trustedProxies, PlatformMetrics metrics,
                      AsyncHandler async, Executor waiters) {
        this.dispatcher = dispatcher;
        this.links = links;
        this.trustedProxies = trustedProxies;
        this.metrics = metrics;
        this.async = async;
        this.waiters = waiters;
    }

    /** Serves {@code head}, the current request of {@code client}; on its event loop. */
    void handle(ClientChannel client, RequestHead head) {
        FunctionPath path = FunctionPath.parse(head.rawPath());
        if (path == null && head.rawPath().startsWith(AsyncHandler.PREFIX)) {
            new AsyncExchange(async, client, head, waiters).start();
            return;
        }
        if (path == null) {
            ErrorResponses.sendQuietly(client.response(), 404, "invoke a function at /function/{name}/{path}");
            client.requestDone(false);
            return;
        }
        new ProxyExchange(this, client, head, path, ForwardedFields.of(head, client.peer(), trustedProxies)).start();
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    InstanceLinks links() {
        return links;
    }

    Executor waiters() {
        return waiters;
    }

    /** {@code instance ID of function 'F' failed to answer[: it DIAGNOSIS]}. */
    static String failure(Lease lease) {
        return "instance " + lease.instanceId() + " of function '" + lease.function() + "' failed to answer"
                + lease.exitDiagnosis().map(d -> ": it " + d.describe()).orElse("");
    }

    void record(Lease lease, int status, long startNanos) {
        metrics.invocation(lease.function(), lease.sandbox(), lease.start().header(), status, System.nanoTime() - startNanos);
    }

    /** Answers a request no instance was given: 429 for the function's own limits, 503 for the node's. */
    void refuse(String function, ClientResponse response, DispatchException e) {
        int status = switch (e.reason()) {
            case UNKNOWN_FUNCTION -> 404;
            case SATURATED, FUNCTION_QUEUE_FULL -> 429;
            case NODE_FULL, NODE_FAILED, DRAINING -> 503;
            case START_FAILED -> 502;
        };
        // Every name a client makes up would be a time series of its own.
        metrics.refusedInvocation(e.reason() == DispatchException.Reason.UNKNOWN_FUNCTION ? "" : function,
                e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), status);
        ErrorResponses.sendQuietly(response, status, e.getMessage(), ErrorResponses.retryAfter(e.retryAfter()));
    }
}
