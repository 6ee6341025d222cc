package dev.edgefaas.gateway;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * One message body's framing, undone as its bytes arrive on an event loop: the content is
 * handed on in slices of the received buffer (no copy), and no byte past the body is consumed,
 * so what follows it (the next pipelined request) stays where it was.
 */
interface BodyDecoder {
    /**
     * Takes what it can of this body from {@code received}.
     *
     * @param content gets each piece of content, and owns it (releases it, or writes it on)
     * @return whether the body is complete
     * @throws dev.edgefaas.http.HttpFramingException if the framing is malformed
     */
    boolean decode(ByteBuf received, Consumer<ByteBuf> content) throws java.io.IOException;

    /** Whether the body ended where its framing says, so the connection can carry another message. */
    boolean complete();

    static BodyDecoder empty() {
        return new Fixed(0);
    }

    static BodyDecoder fixed(long length) {
        return new Fixed(length);
    }

    static BodyDecoder chunked(String sender) {
        return new ChunkedDecoder(sender);
    }

    /** A body that runs to the end of the connection: never complete while it is open. */
    static BodyDecoder untilClose() {
        return new BodyDecoder() {
            @Override
            public boolean decode(ByteBuf received, Consumer<ByteBuf> content) {
                if (received.isReadable()) {
                    content.accept(received.readRetainedSlice(received.readableBytes()));
                }
                return false;
            }

            @Override
            public boolean complete() {
                return false;
            }
        };
    }

    /** {@code Content-Length} bytes. */
    final class Fixed implements BodyDecoder {
        private long remaining;

        Fixed(long length) {
            this.remaining = length;
        }

        @Override
        public boolean decode(ByteBuf received, Consumer<ByteBuf> content) {
            int n = (int) Math.min(remaining, received.readableBytes());
            if (n > 0) {
                remaining -= n;
                content.accept(received.readRetainedSlice(n));
            }
            return remaining == 0;
        }

        @Override
        public boolean complete() {
            return remaining == 0;
        }
    }
}
