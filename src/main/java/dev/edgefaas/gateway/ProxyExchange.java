package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.DispatchException;
import dev.edgefaas.dispatcher.Lease;
import dev.edgefaas.http.HeaderField;
import dev.edgefaas.http.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One client request carried to an instance and its answer back, on the client connection's
 * event loop, bodies streamed both ways with no size limit in memory (each side stops reading
 * while the other cannot take more). A slot comes from the dispatcher at once when a warm
 * instance is free; otherwise a virtual thread waits for one (a cold start, a queue) and hands
 * it back to the loop. A request that fails before any of its body was sent and before any
 * answer came is retried once on another instance (the first one crashed or was stopped under
 * it, or accepts no connection, which retires it); an instance's other failures are answered
 * 502, or cut the answer off if it had begun.
 * The lease is released whatever happens.
 */
final class ProxyExchange implements ClientChannel.Exchange, ClientChannel.BodySink, InstanceLink.InstanceExchange {
    private static final Logger LOG = Logger.getLogger(ProxyExchange.class.getName());

    private final InvocationHandler handler;
    private final ClientChannel client;
    private final RequestHead head;
    private final FunctionPath path;
    private final EventLoop loop;
    private final ClientResponse response;
    private final String rawTarget;
    private final List<HeaderField> forwardedFields;
    private final boolean chunkedToInstance;
    private final long startNanos = System.nanoTime();
    private int attempt = 1;
    private String firstFailure;
    private Lease lease;
    private InstanceLink link;
    private boolean staleRetried;
    private boolean clientGone;
    private boolean requestSent;
    private boolean answerStarted;
    private ClientResponse.Streaming streaming;
    private boolean done;

    ProxyExchange(InvocationHandler handler, ClientChannel client, RequestHead head, FunctionPath path,
                  List<HeaderField> forwardedFields) {
        this.handler = handler;
        this.client = client;
        this.head = head;
        this.path = path;
        this.loop = client.channel().eventLoop();
        this.response = client.response();
        this.chunkedToInstance = head.framing() == RequestHead.BodyFraming.CHUNKED;
        String query = head.rawQuery();
        // The raw path and query go out exactly as they came: decoding and re-encoding would
        // change what the function sees (%2F, '+', parameter order).
        this.rawTarget = path.forwardedPath() + (query.isEmpty() ? "" : "?" + query);
        this.forwardedFields = forwardedFields;
    }

    /** The request line and fields as they go to the instance, in the connection's reused builder. */
    private CharSequence requestHead() {
        StringBuilder text = client.output().scratch();
        text.append(head.method()).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
        for (HeaderField field : forwardedFields) {
            text.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        return text.append("\r\n");
    }

    void start() {
        client.serve(this);
        Lease warm = handler.dispatcher().tryAcquireWarm(path.function()).orElse(null);
        if (warm != null) {
            withLease(warm);
            return;
        }
        // A cold start or a queue: wait off the loop, which serves other connections meanwhile.
        handler.waiters().execute(() -> {
            try {
                Lease granted = handler.dispatcher().acquire(path.function(), head::heldBytes);
                loop.execute(() -> withLease(granted));
            } catch (DispatchException e) {
                loop.execute(() -> refused(e));
            }
        });
    }

    private void refused(DispatchException e) {
        if (clientGone) {
            return;
        }
        handler.refuse(path.function(), response, e);
        finish(false);
    }

    private void withLease(Lease granted) {
        if (clientGone) {
            granted.release();
            return;
        }
        lease = granted;
        handler.links().acquire(loop, granted.endpoint(), this::connected);
    }

    private void connected(InstanceLink connected, IOException failure) {
        if (failure != null) {
            instanceFailed(null, failure);
            return;
        }
        if (clientGone) {
            // Its lease went with the client; the connection is unused.
            handler.links().release(connected);
            return;
        }
        link = connected;
        link.bind(this, head.method().equals("HEAD"));
        Channel instance = link.channel();
        CharSequence text = requestHead();
        ByteBuf requestBytes = instance.alloc().ioBuffer(text.length());
        requestBytes.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        instance.write(requestBytes, instance.voidPromise());
        if (!head.hasBody()) {
            requestSent = true;
            instance.flush();
            return;
        }
        // A retry gets here only if none of the body went out: it is pulled again, from the start.
        requestSent = false;
        client.sendContinue();
        client.pullBody(this);
        instance.flush();
    }

    @Override
    public void bodyContent(ByteBuf content) {
        Channel instance = link.channel();
        if (chunkedToInstance) {
            ChunkedFraming.writeChunk(instance, content);
        } else {
            instance.write(content, instance.voidPromise());
        }
        if (!instance.isWritable()) {
            client.pauseBody();
        }
    }

    @Override
    public void bodyEnd() {
        requestSent = true;
        Channel instance = link.channel();
        if (chunkedToInstance) {
            ChunkedFraming.writeLastChunk(instance);
        }
        instance.flush();
    }

    @Override
    public void bodyFailed(IOException cause) {
        // The client's fault: no 502, no retry. The connection answers its 400 and closes.
        if (link != null) {
            handler.links().discard(link);
        }
        lease.release();
        handler.record(lease, 400, startNanos);
        finish(true);
    }

    @Override
    public void clientBatchDone() {
        if (link != null) {
            link.channel().flush();
        }
    }

    @Override
    public void clientWritable(boolean writable) {
        if (link != null) {
            link.channel().config().setAutoRead(writable);
        }
    }

    @Override
    public void instanceWritable(boolean writable) {
        if (writable) {
            client.resumeBody();
        }
    }

    @Override
    public void clientGone() {
        clientGone = true;
        if (done) {
            return;
        }
        done = true;
        if (link != null) {
            handler.links().discard(link);
        }
        if (lease != null) {
            lease.release();
            handler.record(lease, 400, startNanos);
        }
    }

    @Override
    public void responseHead(ResponseHead answer) {
        answerStarted = true;
        List<HeaderField> fields = responseFields(answer);
        try {
            if (answer.framing() == ResponseHead.Framing.NONE) {
                response.sendWithoutBody(answer.status(), answer.reason(), fields, answer.contentLength());
                streaming = ClientResponse.Streaming.NO_BODY;
            } else {
                long length = answer.framing() == ResponseHead.Framing.FIXED ? answer.contentLength() : -1;
                streaming = response.startStreaming(answer.status(), answer.reason(), fields, length);
                client.output().push();
            }
        } catch (ClientSideException e) {
            clientGone();
        }
    }

    private List<HeaderField> responseFields(ResponseHead answer) {
        HopByHopHeaders hopByHop = HopByHopHeaders.withConnectionOptions(answer.connectionOptions());
        List<HeaderField> fields = new ArrayList<>(answer.fields().size() + 3);
        for (HeaderField field : answer.fields()) {
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

    @Override
    public void responseContent(ByteBuf content) {
        Channel toClient = client.channel();
        switch (streaming) {
            case NO_BODY -> content.release();
            case RAW -> toClient.write(content, toClient.voidPromise());
            case CHUNKED -> ChunkedFraming.writeChunk(toClient, content);
        }
        if (!toClient.isWritable()) {
            link.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void responseBatchDone() {
        client.channel().flush();
    }

    @Override
    public void responseEnd(InstanceLink finished, boolean reusable) {
        Channel toClient = client.channel();
        if (streaming == ClientResponse.Streaming.CHUNKED) {
            ChunkedFraming.writeLastChunk(toClient);
        }
        toClient.flush();
        if (!requestSent) {
            client.holdBody();
        }
        if (reusable && requestSent) {
            handler.links().release(finished);
        } else {
            // The instance answered before the whole request was sent, or will close: no reuse.
            handler.links().discard(finished);
        }
        link = null;
        lease.release();
        handler.record(lease, response.status(), startNanos);
        finish(false);
    }

    @Override
    public void instanceFailed(InstanceLink failed, IOException cause) {
        link = null;
        if (clientGone || done) {
            return;
        }
        client.holdBody();
        boolean nothingSent = !answerStarted && client.bodyBytes() == 0;
        if (nothingSent && failed != null && failed.reused() && !staleRetried) {
            // The instance closed this idle connection while it was pooled: once more on a fresh one.
            staleRetried = true;
            handler.links().open(loop, lease.endpoint(), this::connected);
            return;
        }
        if (failed == null && cause instanceof ConnectException) {
            // Refused or timed out: the instance is retired, so that the retry finds another. A
            // socket the gateway could not even make (no descriptors left) is not its fault.
            lease.releaseUnreachable();
        } else {
            lease.releaseFailed();
        }
        if (nothingSent && attempt == 1) {
            LOG.fine(() -> "retrying " + head.method() + " " + head.rawPath() + " after instance " + lease.instanceId()
                    + " failed: " + cause);
            firstFailure = InvocationHandler.failure(lease);
            attempt++;
            staleRetried = false;
            lease = null;
            start();
            return;
        }
        if (!response.committed()) {
            // After a retry both failures are told: the second instance's exit may not be known yet.
            ErrorResponses.sendQuietly(response, 502, InvocationHandler.failure(lease)
                    + (firstFailure != null ? " (on retry; on the first try, " + firstFailure + ")" : ""));
        } else {
            // Part of the answer is out: the client must see a broken response, not a complete one.
            response.markBroken();
        }
        handler.record(lease, 502, startNanos);
        finish(true);
    }

    private void finish(boolean close) {
        done = true;
        client.requestDone(close);
    }
}
