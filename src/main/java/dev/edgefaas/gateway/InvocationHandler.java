package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.DispatchException;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.Lease;
import dev.edgefaas.metrics.PlatformMetrics;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.logging.Logger;

/**
 * {@code ANY /function/{name}/{path...}}: gets a slot on an instance from the dispatcher and
 * proxies the request to it, streaming bodies both ways. A request that fails before any of its
 * body was read and before any answer came is retried once on another instance (the first one
 * crashed or was stopped under it); anything else is answered 502.
 */
final class InvocationHandler implements Handler {
    private static final Logger LOG = Logger.getLogger(InvocationHandler.class.getName());
    private static final String VIA = "1.1 edgefaas";

    private final Dispatcher dispatcher;
    private final Http1Client gatewayToInstance;
    private final PlatformMetrics metrics;

    InvocationHandler(Dispatcher dispatcher, Http1Client gatewayToInstance, PlatformMetrics metrics) {
        this.dispatcher = dispatcher;
        this.gatewayToInstance = gatewayToInstance;
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
        CountingInputStream clientBody = clientRequest.content().hasEntity()
                ? new CountingInputStream(clientRequest.content().inputStream())
                : null;
        for (int attempt = 1; ; attempt++) {
            Lease lease;
            try {
                lease = dispatcher.acquire(path.function());
            } catch (DispatchException e) {
                sendDispatchError(clientResponse, e);
                return;
            }
            Outcome outcome = forward(clientRequest, clientResponse, path, clientBody, lease);
            if (outcome == Outcome.ANSWERED) {
                lease.release();
                metrics.invocation(lease.function(), lease.sandbox(), lease.start().header(),
                        clientResponse.status().code(), System.nanoTime() - startNanos);
                return;
            }
            lease.releaseFailed();
            boolean retryable = outcome == Outcome.NOTHING_SENT && (clientBody == null || clientBody.count() == 0);
            if (!retryable || attempt == 2) {
                if (!clientResponse.isSent()) {
                    ErrorResponses.send(clientResponse, 502, "instance " + lease.instanceId() + " of function '"
                            + path.function() + "' failed to answer" + (attempt == 2 ? " (also on retry)" : ""));
                }
                metrics.invocation(lease.function(), lease.sandbox(), lease.start().header(), 502,
                        System.nanoTime() - startNanos);
                return;
            }
            LOG.fine(() -> "retrying " + prologue.method().text() + " " + prologue.uriPath().rawPath()
                    + " after instance " + lease.instanceId() + " failed");
        }
    }

    private enum Outcome { ANSWERED, NOTHING_SENT, FAILED_MIDWAY }

    private Outcome forward(ServerRequest clientRequest, ServerResponse clientResponse, FunctionPath path,
                            CountingInputStream clientBody, Lease lease) {
        Http1ClientRequest instanceRequest;
        try {
            // The raw path and query go out exactly as they came: decoding and re-encoding would
            // change what the function sees (%2F, '+', parameter order).
            instanceRequest = gatewayToInstance.method(clientRequest.prologue().method())
                    .uri(lease.endpoint())
                    .path(rawPathAndQuery(path, clientRequest.prologue()))
                    .skipUriEncoding(true)
                    .followRedirects(false);
        } catch (IllegalArgumentException e) {
            ErrorResponses.send(clientResponse, 400, "the request's path or query cannot be forwarded: " + e.getMessage());
            return Outcome.ANSWERED;
        }
        copyRequestHeaders(clientRequest, instanceRequest);
        HttpClientResponse instanceResponse;
        try {
            instanceResponse = clientBody == null
                    ? instanceRequest.request()
                    : instanceRequest.outputStream(instanceBody -> {
                        clientBody.transferTo(instanceBody);
                        instanceBody.close();
                    });
        } catch (RuntimeException e) {
            return Outcome.NOTHING_SENT;
        }
        try (instanceResponse) {
            clientResponse.status(instanceResponse.status());
            copyResponseHeaders(instanceResponse, clientResponse, lease);
            if (instanceResponse.entity().hasEntity()) {
                try (OutputStream toClient = clientResponse.outputStream()) {
                    instanceResponse.inputStream().transferTo(toClient);
                }
            } else {
                clientResponse.send();
            }
            return Outcome.ANSWERED;
        } catch (IOException | RuntimeException e) {
            // Helidon reports a torn or malformed answer with unchecked exceptions of its own.
            return Outcome.FAILED_MIDWAY;
        }
    }

    private static String rawPathAndQuery(FunctionPath path, HttpPrologue prologue) {
        String query = prologue.query().rawValue();
        return path.forwardedPath() + (query.isEmpty() ? "" : "?" + query);
    }

    private static void copyRequestHeaders(ServerRequest clientRequest, Http1ClientRequest instanceRequest) {
        HopByHopHeaders hopByHop = HopByHopHeaders.of(clientRequest.headers());
        instanceRequest.headers(headers -> {
            for (Header header : clientRequest.headers()) {
                if (!hopByHop.contains(header)) {
                    headers.set(header);
                }
            }
            if (clientRequest.remotePeer().address() instanceof InetSocketAddress peer) {
                headers.add(HeaderValues.create("X-Forwarded-For", peer.getAddress().getHostAddress()));
            }
            clientRequest.headers().first(HeaderNames.HOST)
                    .ifPresent(host -> headers.set(HeaderValues.create("X-Forwarded-Host", host)));
            headers.set(HeaderValues.create("X-Forwarded-Proto", clientRequest.isSecure() ? "https" : "http"));
            // RFC 9110 7.6.3: an HTTP-to-HTTP gateway must add Via to inbound requests.
            headers.add(HeaderValues.create(HeaderNames.VIA, VIA));
        });
    }

    private static void copyResponseHeaders(HttpClientResponse instanceResponse, ServerResponse clientResponse,
                                            Lease lease) {
        HopByHopHeaders hopByHop = HopByHopHeaders.of(instanceResponse.headers());
        for (Header header : instanceResponse.headers()) {
            if (!hopByHop.contains(header)) {
                clientResponse.header(header);
            }
        }
        clientResponse.header("X-Start", lease.start().header());
        clientResponse.header("X-Edgefaas-Instance", lease.instanceId());
        if (!lease.serverTiming().isEmpty()) {
            clientResponse.header("Server-Timing", lease.serverTiming());
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
