package dev.edgefaas.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;

/**
 * Writes a body in chunks (RFC 9112 section 7.1), the gateway's own framing on either side: to
 * an instance for a client's chunked upload, to a client for an answer of unknown length. The
 * content goes out as it came, between its size line and CRLF, without a copy.
 */
final class ChunkedFraming {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ChunkedFraming() {
    }

    /** Queues {@code content} on {@code channel} as one chunk; an empty piece is dropped (it would end the body). */
    static void writeChunk(Channel channel, ByteBuf content) {
        if (!content.isReadable()) {
            content.release();
            return;
        }
        channel.write(ByteBufUtil.writeAscii(channel.alloc(), Integer.toHexString(content.readableBytes()) + "\r\n"),
                channel.voidPromise());
        channel.write(content, channel.voidPromise());
        channel.write(channel.alloc().ioBuffer(CRLF.length).writeBytes(CRLF), channel.voidPromise());
    }

    /** Queues the last chunk, with no trailer fields. */
    static void writeLastChunk(Channel channel) {
        channel.write(channel.alloc().ioBuffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK), channel.voidPromise());
    }
}
