package dev.edgefaas.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;

/**
 * One keep-alive connection from the gateway to an instance, on the event loop of the client
 * connections it serves, one exchange at a time. It reads the instance's answer as it arrives:
 * the head by the same rules as every head ({@link ResponseHeadReader}), then the body by its
 * framing, handed to the exchange without copying. Bytes from an instance that is not being
 * asked anything mean the connection cannot be trusted with another request: it is closed.
 */
final class InstanceLink extends ChannelInboundHandlerAdapter {
    private final URI endpoint;
    private final String instance;
    private final InstanceLinks links;
    private Channel channel;
    private ByteBuf received;
    private InstanceExchange exchange;
    private boolean headRequest;
    private ResponseHead head;
    private BodyDecoder body;
    /** Whether this connection served an earlier request (so the instance may have closed it since). */
    private boolean reused;
    /** When the connection went idle or was last handed to a request, whichever was later. */
    private volatile long sinceNanos = System.nanoTime();
    private volatile boolean busy;

    /** What an instance's answer is handed to, on the link's event loop. */
    interface InstanceExchange {
        void responseHead(ResponseHead head);

        void responseContent(ByteBuf content);

        /** Flushes what the content calls wrote, once per batch of reads. */
        void responseBatchDone();

        /** The answer is complete; the link is idle or closed when this is called. */
        void responseEnd(InstanceLink link, boolean reusable);

        /** The connection failed or closed before the answer was complete; {@code link} is null if none could be made. */
        void instanceFailed(InstanceLink link, IOException cause);

        void instanceWritable(boolean writable);
    }

    InstanceLink(URI endpoint, InstanceLinks links) {
        this.endpoint = endpoint;
        this.instance = "instance " + endpoint;
        this.links = links;
    }

    URI endpoint() {
        return endpoint;
    }

    Channel channel() {
        return channel;
    }

    boolean reused() {
        return reused;
    }

    long sinceNanos() {
        return sinceNanos;
    }

    boolean busy() {
        return busy;
    }

    /** Hands the connection to an exchange, whose request is written next. */
    void bind(InstanceExchange exchange, boolean headRequest) {
        this.exchange = exchange;
        this.headRequest = headRequest;
        this.head = null;
        this.body = null;
        busy = true;
        sinceNanos = System.nanoTime();
    }

    /** Called when the connection goes back to the idle pool after a complete exchange. */
    void markIdle() {
        busy = false;
        sinceNanos = System.nanoTime();
        reused = true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        // Before the connect completes, whose listener hands the link to its exchange.
        channel = context.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        if (exchange == null) {
            bytes.release();
            context.close();
            return;
        }
        received = received == null ? bytes : Cumulation.append(context.alloc(), received, bytes);
        try {
            readAnswer(false);
        } catch (IOException e) {
            fail(e);
        }
    }

    private void readAnswer(boolean ended) throws IOException {
        if (head == null) {
            head = PendingHead.parse(received, ended, in -> ResponseHeadReader.read(in, instance, headRequest));
            if (head == null) {
                return;
            }
            body = switch (head.framing()) {
                case NONE -> BodyDecoder.empty();
                case FIXED -> BodyDecoder.fixed(head.contentLength());
                case CHUNKED -> BodyDecoder.chunked("the instance");
                case UNTIL_CLOSE -> BodyDecoder.untilClose();
            };
            exchange.responseHead(head);
            if (exchange == null) {
                // The exchange gave the link up (its client went away).
                return;
            }
        }
        InstanceExchange current = exchange;
        if (body.decode(received, current::responseContent)) {
            finish(!received.isReadable());
        }
    }

    /** The answer is complete: the exchange decides where the link goes (back to the pool, or closed). */
    private void finish(boolean nothingAfter) {
        InstanceExchange done = exchange;
        exchange = null;
        releaseReceived();
        done.responseEnd(this, nothingAfter && !head.connectionClose());
    }

    private void fail(IOException cause) {
        InstanceExchange failed = exchange;
        links.discard(this);
        if (failed != null) {
            failed.instanceFailed(this, cause);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (exchange != null) {
            exchange.responseBatchDone();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (exchange != null) {
            exchange.instanceWritable(context.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        links.forget(this);
        if (exchange == null) {
            releaseReceived();
            return;
        }
        if (head != null && head.framing() == ResponseHead.Framing.UNTIL_CLOSE) {
            // A body delimited by the connection's end is complete now.
            finish(false);
            return;
        }
        fail(new EOFException(instance + (head == null ? " closed the connection without answering"
                : " closed the connection before the end of its answer")));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(cause instanceof IOException io ? io : new IOException(cause));
        context.close();
    }

    /** Unbinds the exchange without telling it anything: it gave the link up. */
    void detach() {
        exchange = null;
        releaseReceived();
    }

    private void releaseReceived() {
        if (received != null) {
            received.release();
            received = null;
        }
    }
}
