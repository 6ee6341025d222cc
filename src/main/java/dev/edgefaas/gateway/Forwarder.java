package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.Lease;
import dev.edgefaas.http.HeaderField;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries one client request to an instance and its answer back, bodies streamed both ways
 * with no size limit in memory. Connections to instances are kept alive and reused; every
 * connection a forward takes is released or discarded before it returns, whatever failed.
 */
final class Forwarder implements AutoCloseable {
    /** Answers up to this size are read whole before they are sent on; larger ones stream. */
    private static final int SMALL_BODY_BYTES = 16 * 1024;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    /** How a forward ended, which decides what the handler does next. */
    enum Outcome {
        ANSWERED,
        /** Neither the instance nor the client got anything of it: safe to retry elsewhere. */
        NOTHING_SENT,
        /** The instance failed after it got part of the request: 502, or a cut-off answer. */
        INSTANCE_FAILED,
        /** The client's body was malformed or cut off, or the client went away: not the instance's fault. */
        CLIENT_FAILED
    }

    private final InstanceConnectionPool connections;
    private final TrustedProxies trustedProxies;

    Forwarder(Duration exchangeTimeout, TrustedProxies trustedProxies) {
        this.connections = new InstanceConnectionPool(exchangeTimeout);
        this.trustedProxies = trustedProxies;
    }

    /** Closes every connection to a stopped instance: requests waiting on one fail now, not at the timeout. */
    void instanceStopped(URI endpoint) {
        connections.closeAll(endpoint);
    }

    /** Closes connections idle longer than {@code maxIdle} and those of requests past the exchange timeout. */
    void sweepConnections(Duration maxIdle) {
        connections.sweep(maxIdle);
    }

    /** The request as it will be forwarded, for one or two calls of {@link #forward}. */
    Exchange exchange(ClientRequest request, ClientResponse response, FunctionPath path) {
        return new Exchange(request, response, path, ForwardedFields.of(request, trustedProxies));
    }

    Outcome forward(Exchange exchange, Lease lease) {
        URI endpoint = lease.endpoint();
        InstanceConnection connection;
        try {
            connection = connections.acquire(endpoint);
        } catch (IOException e) {
            return Outcome.NOTHING_SENT;
        }
        boolean reusable = false;
        try {
            ResponseHead head;
            try {
                head = send(connection, exchange);
            } catch (ClientSideException e) {
                throw e;
            } catch (IOException e) {
                if (!connection.reused() || exchange.bodyStarted()) {
                    throw e;
                }
                // The instance closed this idle connection while it was pooled: once more on a fresh one.
                connections.discard(connection);
                connection = connections.open(endpoint);
                head = send(connection, exchange);
            }
            exchange.answerStarted = true;
            answer(exchange, lease, connection, head);
            reusable = !head.connectionClose();
            return Outcome.ANSWERED;
        } catch (ClientSideException e) {
            return Outcome.CLIENT_FAILED;
        } catch (IOException e) {
            if (exchange.response.committed()) {
                // Part of the answer is out: the client must see a broken response, not a complete one.
                exchange.response.markBroken();
            }
            return exchange.bodyStarted() || exchange.answerStarted ? Outcome.INSTANCE_FAILED : Outcome.NOTHING_SENT;
        } finally {
            if (reusable) {
                connections.release(connection);
            } else {
                connections.discard(connection);
            }
        }
    }

    private static ResponseHead send(InstanceConnection connection, Exchange exchange) throws IOException {
        connection.writeHead(exchange.method, exchange.rawTarget, exchange.fields);
        if (exchange.request.head().hasBody()) {
            long contentLength = exchange.request.head().contentLength();
            OutputStream body = connection.requestBody(contentLength);
            exchange.request.body().transferTo(body);
            if (contentLength < 0) {
                body.close();
            }
        }
        connection.flush();
        return connection.readHead(exchange.method.equals("HEAD"));
    }

    private static void answer(Exchange exchange, Lease lease, InstanceConnection connection, ResponseHead head)
            throws IOException {
        ClientResponse toClient = exchange.response;
        List<HeaderField> fields = responseFields(head, lease);
        InputStream body = connection.responseBody(head);
        switch (head.framing()) {
            case NONE -> toClient.sendWithoutBody(head.status(), head.reason(), fields, head.contentLength());
            case FIXED -> {
                if (head.contentLength() <= SMALL_BODY_BYTES) {
                    // Most function answers are small: one read and one write, no stream machinery.
                    toClient.send(head.status(), head.reason(), fields, body.readNBytes((int) head.contentLength()));
                } else {
                    stream(body, toClient.startBody(head.status(), head.reason(), fields, head.contentLength()));
                }
            }
            case CHUNKED, UNTIL_CLOSE -> stream(body, toClient.startBody(head.status(), head.reason(), fields, -1));
        }
    }

    private static List<HeaderField> responseFields(ResponseHead head, Lease lease) {
        HopByHopHeaders hopByHop = HopByHopHeaders.withConnectionOptions(head.connectionOptions());
        List<HeaderField> fields = new ArrayList<>(head.fields().size() + 3);
        for (HeaderField field : head.fields()) {
            if (!hopByHop.contains(field.name())) {
                fields.add(field);
            }
        }
        fields.add(new HeaderField("X-Start", lease.start().header()));
        fields.add(new HeaderField("X-Edgefaas-Instance", lease.instanceId()));
        if (!lease.serverTiming().isEmpty()) {
            fields.add(new HeaderField("Server-Timing", lease.serverTiming()));
        }
        return fields;
    }

    /** Copies the instance's body to the client; write failures are the client's ({@link ClientSideException}). */
    private static void stream(InputStream fromInstance, OutputStream toClient) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        for (int n = fromInstance.read(buffer); n >= 0; n = fromInstance.read(buffer)) {
            toClient.write(buffer, 0, n);
        }
        toClient.close();
    }

    @Override
    public void close() {
        connections.close();
    }

    /** One client request as it is forwarded, possibly twice; its body can be read only once. */
    static final class Exchange {
        final ClientRequest request;
        final ClientResponse response;
        final String method;
        final String rawTarget;
        final List<HeaderField> fields;
        /** Whether the instance's answer began: from then on a failure is never retried. */
        boolean answerStarted;

        private Exchange(ClientRequest request, ClientResponse response, FunctionPath path, List<HeaderField> fields) {
            this.request = request;
            this.response = response;
            this.method = request.head().method();
            String query = request.head().rawQuery();
            // The raw path and query go out exactly as they came: decoding and re-encoding would
            // change what the function sees (%2F, '+', parameter order).
            this.rawTarget = path.forwardedPath() + (query.isEmpty() ? "" : "?" + query);
            this.fields = fields;
        }

        boolean bodyStarted() {
            return request.body().count() > 0;
        }
    }
}
