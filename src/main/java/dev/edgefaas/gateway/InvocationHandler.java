package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.DispatchException;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.Lease;
import dev.edgefaas.metrics.PlatformMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Logger;

/**
 * {@code ANY /function/{name}/{path...}}: gets a slot on an instance from the dispatcher and
 * proxies the request to it. A request that fails before any of its body was read and before
 * any answer came is retried once on another instance (the first one crashed or was stopped
 * under it); anything else is answered 502.
 */
final class InvocationHandler implements Handler {
    private static final Logger LOG = Logger.getLogger(InvocationHandler.class.getName());

    private final Dispatcher dispatcher;
    private final Forwarder forwarder;
    private final PlatformMetrics metrics;

    InvocationHandler(Dispatcher dispatcher, Forwarder forwarder, PlatformMetrics metrics) {
        this.dispatcher = dispatcher;
        this.forwarder = forwarder;
        this.metrics = metrics;
    }

    @Override
    public void handle(ServerRequest clientRequest, ServerResponse clientResponse) {
        long startNanos = System.nanoTime();
        HttpPrologue prologue = clientRequest.prologue();
        FunctionPath path = FunctionPath.parse(prologue.uriPath().rawPath());
        if (path == null) {
            ErrorResponses.send(clientResponse, 404, "invoke a function at /function/{name}/{path}");
            return;
        }
        Forwarder.Exchange exchange = new Forwarder.Exchange(clientRequest, clientResponse, path);
        for (int attempt = 1; ; attempt++) {
            Lease lease;
            try {
                lease = dispatcher.acquire(path.function());
            } catch (DispatchException e) {
                sendDispatchError(clientResponse, e);
                return;
            }
            Forwarder.Outcome outcome = forwarder.forward(exchange, lease);
            if (outcome == Forwarder.Outcome.ANSWERED) {
                lease.release();
                metrics.invocation(lease.function(), lease.sandbox(), lease.start().header(),
                        clientResponse.status().code(), System.nanoTime() - startNanos);
                return;
            }
            lease.releaseFailed();
            boolean retryable = outcome == Forwarder.Outcome.NOTHING_SENT && !exchange.bodyStarted();
            if (!retryable || attempt == 2) {
                if (!clientResponse.isSent()) {
                    ErrorResponses.send(clientResponse, 502, "instance " + lease.instanceId() + " of function '"
                            + path.function() + "' failed to answer" + (attempt == 2 ? " (also on retry)" : "")
                            + lease.exitDiagnosis().map(d -> ": it " + d.describe()).orElse(""));
                }
                metrics.invocation(lease.function(), lease.sandbox(), lease.start().header(), 502,
                        System.nanoTime() - startNanos);
                return;
            }
            LOG.fine(() -> "retrying " + prologue.method().text() + " " + prologue.uriPath().rawPath()
                    + " after instance " + lease.instanceId() + " failed");
        }
    }

    private static void sendDispatchError(ServerResponse response, DispatchException e) {
        switch (e.reason()) {
            case UNKNOWN_FUNCTION -> ErrorResponses.send(response, 404, e.getMessage());
            case SATURATED -> {
                response.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
                ErrorResponses.send(response, 503, e.getMessage());
            }
            case DRAINING -> ErrorResponses.send(response, 503, e.getMessage());
            case START_FAILED -> ErrorResponses.send(response, 502, e.getMessage());
        }
    }
}
