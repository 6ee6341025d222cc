package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.Lease;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries one client request to an instance and its answer back, bodies streamed both ways
 * with no size limit in memory. Connections to instances are kept alive and reused.
 */
final class Forwarder implements AutoCloseable {
    private static final String VIA = "1.1 edgefaas";
    /** Answers up to this size are read whole before they are sent on; larger ones stream. */
    private static final int SMALL_BODY_BYTES = 16 * 1024;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    /** How a forward ended, which decides whether the handler may retry. */
    enum Outcome {
        ANSWERED,
        /** Neither the instance nor the client got anything of it: safe to retry elsewhere. */
        NOTHING_SENT,
        FAILED_MIDWAY
    }

    private final InstanceConnectionPool connections;

    Forwarder(Duration exchangeTimeout) {
        this.connections = new InstanceConnectionPool(exchangeTimeout);
    }

    /** Closes every connection to a stopped instance: requests waiting on one fail now, not at the timeout. */
    void instanceStopped(URI endpoint) {
        connections.closeAll(endpoint);
    }

    /** Closes connections idle longer than {@code maxIdle} and those of requests past the exchange timeout. */
    void sweepConnections(Duration maxIdle) {
        connections.sweep(maxIdle);
    }

    Outcome forward(Exchange exchange, Lease lease) {
        URI endpoint = lease.endpoint();
        InstanceConnection connection;
        ResponseHead head;
        try {
            connection = connections.acquire(endpoint);
        } catch (IOException e) {
            return Outcome.NOTHING_SENT;
        }
        try {
            head = send(connection, exchange);
        } catch (IOException e) {
            connections.discard(connection);
            if (!connection.reused() || exchange.bodyStarted()) {
                return exchange.bodyStarted() ? Outcome.FAILED_MIDWAY : Outcome.NOTHING_SENT;
            }
            // The instance closed this idle connection while it was pooled: once more on a fresh one.
            try {
                connection = connections.open(endpoint);
                head = send(connection, exchange);
            } catch (IOException again) {
                connections.discard(connection);
                return exchange.bodyStarted() ? Outcome.FAILED_MIDWAY : Outcome.NOTHING_SENT;
            }
        }
        return answer(exchange, lease, connection, head);
    }

    private static ResponseHead send(InstanceConnection connection, Exchange exchange) throws IOException {
        connection.writeHead(exchange.method, exchange.rawTarget, exchange.fields);
        if (exchange.hasBody) {
            OutputStream body = connection.requestBody(exchange.contentLength);
            long copied = exchange.body().transferTo(body);
            if (exchange.contentLength >= 0 && copied != exchange.contentLength) {
                throw new IOException("the client sent " + copied + " of " + exchange.contentLength + " body bytes");
            }
            if (exchange.contentLength < 0) {
                body.close();
            }
        }
        connection.flush();
        return connection.readHead(exchange.method.equals("HEAD"));
    }

    private Outcome answer(Exchange exchange, Lease lease, InstanceConnection connection, ResponseHead head) {
        ServerResponse toClient = exchange.clientResponse;
        try {
            toClient.status(head.status());
            List<String> connectionValues = new ArrayList<>();
            for (ResponseHead.Field field : head.fields()) {
                if (field.is("connection")) {
                    connectionValues.add(field.value());
                }
            }
            HopByHopHeaders hopByHop = HopByHopHeaders.withConnectionValues(connectionValues);
            for (ResponseHead.Field field : head.fields()) {
                if (!hopByHop.contains(field.name())) {
                    toClient.headers().add(HeaderValues.create(field.name(), field.value()));
                }
            }
            toClient.header("X-Start", lease.start().header());
            toClient.header("X-Edgefaas-Instance", lease.instanceId());
            if (!lease.serverTiming().isEmpty()) {
                toClient.header("Server-Timing", lease.serverTiming());
            }
            InputStream body = connection.responseBody(head);
            if (head.framing() == ResponseHead.Framing.NONE) {
                toClient.send();
            } else if (head.framing() == ResponseHead.Framing.FIXED && head.contentLength() <= SMALL_BODY_BYTES) {
                // Most function answers are small: one read and one send, no stream machinery.
                toClient.send(body.readNBytes((int) head.contentLength()));
            } else {
                if (head.framing() == ResponseHead.Framing.FIXED) {
                    toClient.contentLength(head.contentLength());
                }
                exchange.responseStarted = true;
                try (OutputStream out = toClient.outputStream()) {
                    copy(body, out);
                }
            }
        } catch (IOException | RuntimeException e) {
            connections.discard(connection);
            if (exchange.responseStarted) {
                // Part of the answer is out: the client must see a broken response, not a complete one.
                throw new UncheckedIOException("instance " + lease.instanceId() + " failed while answering",
                        e instanceof IOException io ? io : new IOException(e));
            }
            return Outcome.FAILED_MIDWAY;
        }
        if (head.connectionClose()) {
            connections.discard(connection);
        } else {
            connections.release(connection);
        }
        return Outcome.ANSWERED;
    }

    private static void copy(InputStream from, OutputStream to) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
            to.write(buffer, 0, n);
        }
    }

    @Override
    public void close() {
        connections.close();
    }

    /** One client request as it is forwarded, possibly twice; its body can be read only once. */
    static final class Exchange {
        final ServerRequest clientRequest;
        final ServerResponse clientResponse;
        final String method;
        final String rawTarget;
        final boolean hasBody;
        /** The body's length, or -1 if the client sent it chunked. */
        final long contentLength;
        final List<ResponseHead.Field> fields;
        private CountingInputStream body;
        boolean responseStarted;

        Exchange(ServerRequest clientRequest, ServerResponse clientResponse, FunctionPath path) {
            this.clientRequest = clientRequest;
            this.clientResponse = clientResponse;
            this.method = clientRequest.prologue().method().text();
            String query = clientRequest.prologue().query().rawValue();
            // The raw path and query go out exactly as they came: decoding and re-encoding would
            // change what the function sees (%2F, '+', parameter order).
            this.rawTarget = path.forwardedPath() + (query.isEmpty() ? "" : "?" + query);
            this.hasBody = clientRequest.content().hasEntity();
            long declared = clientRequest.headers().contentLength().orElse(-1);
            this.contentLength = hasBody ? declared : Math.max(declared, -1);
            this.fields = forwardedFields(clientRequest, hasBody, contentLength);
        }

        InputStream body() {
            if (body == null) {
                body = new CountingInputStream(clientRequest.content().inputStream());
            }
            return body;
        }

        boolean bodyStarted() {
            return body != null && body.count() > 0;
        }

        private static List<ResponseHead.Field> forwardedFields(ServerRequest request, boolean hasBody, long contentLength) {
            List<String> connectionValues = request.headers().contains(HeaderNames.CONNECTION)
                    ? request.headers().get(HeaderNames.CONNECTION).allValues()
                    : List.of();
            HopByHopHeaders hopByHop = HopByHopHeaders.withConnectionValues(connectionValues);
            List<ResponseHead.Field> fields = new ArrayList<>();
            String forwardedFor = null;
            String host = null;
            for (Header header : request.headers()) {
                String name = header.name();
                if (hopByHop.contains(name)) {
                    continue;
                }
                if (name.equalsIgnoreCase("x-forwarded-for")) {
                    forwardedFor = header.values();
                    continue;
                }
                if (name.equalsIgnoreCase("host")) {
                    host = header.value();
                }
                for (String value : header.allValues()) {
                    fields.add(new ResponseHead.Field(name, value));
                }
            }
            if (hasBody) {
                fields.add(contentLength >= 0
                        ? new ResponseHead.Field("Content-Length", Long.toString(contentLength))
                        : new ResponseHead.Field("Transfer-Encoding", "chunked"));
            } else if (contentLength == 0) {
                fields.add(new ResponseHead.Field("Content-Length", "0"));
            }
            if (host == null) {
                fields.add(new ResponseHead.Field("Host", "edgefaas"));
            }
            if (request.remotePeer().address() instanceof InetSocketAddress peer) {
                String client = peer.getAddress().getHostAddress();
                fields.add(new ResponseHead.Field("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client));
            }
            if (host != null) {
                fields.add(new ResponseHead.Field("X-Forwarded-Host", host));
            }
            fields.add(new ResponseHead.Field("X-Forwarded-Proto", request.isSecure() ? "https" : "http"));
            // RFC 9110 7.6.3: an HTTP-to-HTTP gateway must add Via to inbound requests.
            fields.add(new ResponseHead.Field("Via", VIA));
            return fields;
        }
    }
}
