package dev.edgefaas.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An {@link OutputStream} onto a Netty channel, so that code written against streams (the
 * response head writer, error answers, the asynchronous handler) writes to an event-loop
 * connection: bytes gather in one buffer, {@link #push} queues them on the channel in order
 * with what else is written to it, {@link #flush} also sends. Safe from the channel's event
 * loop or from one other thread at a time; a closed channel drops what is written.
 */
final class ChannelOutput extends OutputStream {
    private static final int INITIAL_BYTES = 512;

    private final Channel channel;
    private final StringBuilder scratch = new StringBuilder(512);
    private ByteBuf gathered;

    ChannelOutput(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) {
        buffer(1).writeByte(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        buffer(length).writeBytes(bytes, offset, length);
    }

    /** Writes {@code text} as ISO-8859-1, as header sections are, without an intermediate byte array. */
    void writeLatin1(CharSequence text) {
        buffer(text.length()).writeCharSequence(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * An empty builder for a head's text, reused: one head at a time is built per connection, and
     * building one per request was the largest share of the data path's allocation.
     */
    StringBuilder scratch() {
        scratch.setLength(0);
        return scratch;
    }

    private ByteBuf buffer(int length) {
        if (gathered == null) {
            gathered = channel.alloc().ioBuffer(Math.max(INITIAL_BYTES, length));
        }
        return gathered;
    }

    /** Queues what was written on the channel, without sending yet. */
    void push() {
        if (gathered != null) {
            channel.write(gathered, channel.voidPromise());
            gathered = null;
        }
    }

    @Override
    public void flush() {
        push();
        channel.flush();
    }

    /** Drops what was written and not pushed. */
    @Override
    public void close() {
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }
}
