package dev.edgefaas.gateway;

import dev.edgefaas.http.HttpFramingException;
import dev.edgefaas.http.RequestHead;
import dev.edgefaas.metrics.PlatformMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's connection to the invocation listener, on its event loop: requests are read and
 * answered one after the other (pipelined ones in order), until the client or a response ends
 * the connection. A framing error is answered with its 4xx and {@code Connection: close}, and
 * nothing after it is read: past a framing error nobody knows where the next request would
 * start. While a request is served, what the client sends next waits here, up to a bound, then
 * in its socket.
 */
final class ClientChannel extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ClientChannel.class.getName());
    /** Read ahead of the request being served (its body waits for an instance, or pipelined requests). */
    private static final int MAX_PENDING = 64 * 1024;
    /** How long, and how much, a connection the gateway ends reads on before it closes. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int MAX_LINGER_BYTES = 1024 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum State { HEAD, BUSY, LINGER }

    /** What the request being served is told about its connection. */
    interface Exchange {
        void clientGone();

        void clientWritable(boolean writable);

        /** The client's bytes of one batch of reads were handed on: flush them. */
        void clientBatchDone();
    }

    /** Where a request's body goes, piece by piece, decoded from its framing. */
    interface BodySink {
        void bodyContent(ByteBuf content);

        void bodyEnd();

        void bodyFailed(IOException cause);
    }

    private final InvocationHandler handler;
    private final PlatformMetrics metrics;
    private final Consumer<ClientChannel> onClose;
    private Channel channel;
    private ClientPeer peer;
    private ChannelOutput output;
    private ByteBuf pending;
    private boolean inputEnded;
    private State state = State.HEAD;
    private boolean serving;
    private long lingerDrained;

    private RequestHead head;
    private ClientResponse response;
    private BodyDecoder body;
    private BodySink sink;
    private Exchange exchange;
    private IOException bodyFailure;
    private boolean continueSent;
    private long bodyBytes;
    /** When the connection began waiting for its next request, or 0 while it is serving one. */
    private volatile long idleSinceNanos = System.nanoTime();

    ClientChannel(InvocationHandler handler, PlatformMetrics metrics, Consumer<ClientChannel> onClose) {
        this.handler = handler;
        this.metrics = metrics;
        this.onClose = onClose;
    }

    Channel channel() {
        return channel;
    }

    ClientPeer peer() {
        return peer;
    }

    ClientResponse response() {
        return response;
    }

    ChannelOutput output() {
        return output;
    }

    /** Nanoseconds since the connection went idle, or 0 if it is serving a request. */
    long idleNanos(long now) {
        long since = idleSinceNanos;
        return since == 0 ? 0 : now - since;
    }

    /** Closes the connection: a request being read or answered fails at once. Any thread. */
    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        channel = context.channel();
        peer = ClientPeer.of(((InetSocketAddress) channel.remoteAddress()).getAddress());
        output = new ChannelOutput(channel);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        if (state == State.LINGER) {
            lingerDrained += bytes.readableBytes();
            bytes.release();
            if (lingerDrained > MAX_LINGER_BYTES) {
                closeAfterWrites();
            }
            return;
        }
        pending = pending == null ? bytes : Cumulation.append(context.alloc(), pending, bytes);
        if (state == State.HEAD) {
            serveHeads();
        } else if (sink != null) {
            feedBody();
        } else if (pending.readableBytes() > MAX_PENDING) {
            channel.config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (exchange != null) {
            exchange.clientBatchDone();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event != ChannelInputShutdownEvent.INSTANCE) {
            context.fireUserEventTriggered(event);
            return;
        }
        inputEnded = true;
        switch (state) {
            case LINGER -> closeAfterWrites();
            case HEAD -> serveHeads();
            case BUSY -> {
                if (sink != null) {
                    feedBody();
                }
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (exchange != null) {
            exchange.clientWritable(channel.isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        releasePending();
        Exchange gone = exchange;
        exchange = null;
        sink = null;
        if (gone != null) {
            gone.clientGone();
        }
        onClose.accept(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // The client went away or reset the connection: there is nobody left to answer.
        LOG.finer(() -> "client connection ended: " + cause);
        context.close();
    }

    /** Reads and serves the requests that have arrived, in order, until one is still being served. */
    private void serveHeads() {
        if (serving) {
            // Called back from a request answered at once: the loop below goes on with the next.
            return;
        }
        serving = true;
        try {
            while (state == State.HEAD) {
                if (pending == null || !pending.isReadable()) {
                    if (inputEnded) {
                        // The client ended the connection between requests.
                        closeAfterWrites();
                    }
                    return;
                }
                RequestHead next;
                try {
                    next = PendingHead.request(pending, inputEnded);
                } catch (HttpFramingException e) {
                    refuse(e);
                    return;
                } catch (IOException e) {
                    channel.close();
                    return;
                }
                if (next == null) {
                    if (inputEnded) {
                        closeAfterWrites();
                    }
                    // Else the head is not complete yet.
                    return;
                }
                begin(next);
            }
        } finally {
            serving = false;
        }
    }

    private void begin(RequestHead next) {
        state = State.BUSY;
        idleSinceNanos = 0;
        head = next;
        bodyFailure = null;
        continueSent = false;
        bodyBytes = 0;
        body = switch (next.framing()) {
            case NONE -> BodyDecoder.empty();
            case FIXED -> BodyDecoder.fixed(next.contentLength());
            case CHUNKED -> BodyDecoder.chunked("the client");
        };
        response = new ClientResponse(output, next.method().equals("HEAD"), next.http10(), next.keepAlive(),
                () -> !body.complete());
        try {
            handler.handle(this, next);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "answering " + next.method() + " " + next.rawPath() + " failed", e);
            if (!response.committed()) {
                response.closeConnectionAfter();
                ErrorResponses.sendQuietly(response, 500, "the gateway failed while answering: " + e);
            }
            requestDone(true);
        }
    }

    /** Decoded body bytes handed on so far: a forward that sent none may be retried. */
    long bodyBytes() {
        return bodyBytes;
    }

    /** The exchange serving the current request, told of the connection's events. */
    void serve(Exchange current) {
        exchange = current;
    }

    /** Answers {@code 100 Continue} if the client waits for it before sending its body; once. */
    void sendContinue() {
        if (head.expectContinue() && !continueSent && !body.complete()) {
            continueSent = true;
            channel.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), channel.voidPromise());
        }
    }

    /** Starts handing the request's body to {@code to}: what has arrived now, the rest as it does. */
    void pullBody(BodySink to) {
        sink = to;
        channel.config().setAutoRead(true);
        feedBody();
    }

    /** Stops handing the body on: where it went is gone; what arrives waits (a retry may pull it again). */
    void holdBody() {
        sink = null;
        channel.config().setAutoRead(false);
    }

    /** Stops reading the client while where its body goes is full. */
    void pauseBody() {
        channel.config().setAutoRead(false);
    }

    void resumeBody() {
        channel.config().setAutoRead(true);
        if (sink != null) {
            feedBody();
        }
    }

    private void feedBody() {
        BodySink to = sink;
        try {
            if (pending != null && pending.isReadable()) {
                body.decode(pending, piece -> {
                    bodyBytes += piece.readableBytes();
                    to.bodyContent(piece);
                });
            }
        } catch (IOException e) {
            failBody(to, e);
            return;
        }
        if (sink != to) {
            return;
        }
        if (body.complete()) {
            sink = null;
            to.bodyEnd();
        } else if (inputEnded) {
            failBody(to, new HttpFramingException(400, "the client closed the connection before the end of its body"));
        }
    }

    /** The body is malformed or cut off: remembered, so that {@link #requestDone} answers it if the exchange cannot. */
    private void failBody(BodySink to, IOException cause) {
        bodyFailure = cause;
        sink = null;
        to.bodyFailed(cause);
    }

    /**
     * The current request is over: on to the next, or the connection ends ({@code close}, the
     * response's own verdict, a body left unread, or a body that failed, answered here if the
     * exchange could not).
     */
    void requestDone(boolean close) {
        exchange = null;
        sink = null;
        if (state != State.BUSY) {
            return;
        }
        if (bodyFailure != null) {
            if (!response.committed()) {
                int status = bodyFailure instanceof HttpFramingException framing ? framing.status() : 400;
                response.closeConnectionAfter();
                metrics.rejectedRequest(status);
                ErrorResponses.sendQuietly(response, status, bodyFailure.getMessage());
            }
            close = true;
        }
        if (close || response.closeAfter() || !body.complete()) {
            linger();
            return;
        }
        state = State.HEAD;
        head = null;
        response = null;
        idleSinceNanos = System.nanoTime();
        channel.config().setAutoRead(true);
        serveHeads();
    }

    /** Answers a request whose head could not be read, and lets the connection close. */
    private void refuse(HttpFramingException e) {
        metrics.rejectedRequest(e.status());
        ErrorResponses.sendQuietly(new ClientResponse(output, false, false, false, () -> false), e.status(), e.getMessage());
        linger();
    }

    /**
     * Ends a connection the gateway chose to end: its sending side first, then reads and drops
     * what the client still sends, for a while. Closing with unread input would send a reset,
     * and a client that is still writing (a rejected upload, pipelined requests) could lose the
     * answer it is owed before reading it (RFC 9112 section 9.6).
     */
    private void linger() {
        state = State.LINGER;
        // A client that never reads its answer would hold the connection: the idle sweep ends it.
        idleSinceNanos = System.nanoTime();
        releasePending();
        if (inputEnded) {
            closeAfterWrites();
            return;
        }
        channel.config().setAutoRead(true);
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (channel instanceof DuplexChannel duplex && channel.isActive()) {
                duplex.shutdownOutput();
                channel.eventLoop().schedule(() -> channel.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Closes once what was written is sent: a close with answers still queued would cut them off. */
    private void closeAfterWrites() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
