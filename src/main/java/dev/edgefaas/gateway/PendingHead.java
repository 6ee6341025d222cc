package dev.edgefaas.gateway;

import dev.edgefaas.http.BulkInputStream;
import dev.edgefaas.http.LineReader;
import dev.edgefaas.http.RequestHead;
import dev.edgefaas.http.RequestHeadReader;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Reads a message head from the bytes an event loop has received so far, with the same
 * blocking parsers the framing rules are written in ({@link RequestHeadReader},
 * {@link ResponseHeadReader}): they read from a stream that, where the received bytes end,
 * either says "not yet" (the head is incomplete: nothing is consumed, parse again when more
 * arrives) or, once the peer has ended its side, ends. One set of rules for both I/O models.
 */
final class PendingHead {
    /** Thrown where the received bytes end; not an error, so without a stack trace. */
    private static final IOException NOT_YET = new NotYet();

    private PendingHead() {
    }

    /** Parses one message head from {@code received}. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(LineReader in) throws IOException;
    }

    /**
     * The head at the start of {@code received}, its bytes consumed; or null, nothing consumed,
     * if more bytes are needed (never null once {@code ended}).
     *
     * @param ended whether the peer ended its side, so no more bytes will come
     * @throws IOException the parser's verdict on a malformed head
     */
    static <T> T parse(ByteBuf received, boolean ended, Parser<T> parser) throws IOException {
        Bytes bytes = new Bytes(received, ended);
        // As large as what was received: the reader's buffer then holds all of it, and what it did
        // not consume is exactly the start of the body or of the next message.
        LineReader reader = new LineReader(bytes, Math.max(received.readableBytes(), 1));
        T head;
        try {
            head = parser.parse(reader);
        } catch (IOException e) {
            if (e == NOT_YET) {
                return null;
            }
            throw e;
        }
        received.skipBytes(bytes.taken - reader.buffered());
        return head;
    }

    static RequestHead request(ByteBuf received, boolean ended) throws IOException {
        return parse(received, ended, RequestHeadReader::read);
    }

    private static final class NotYet extends IOException {
        NotYet() {
            super("the head is not complete yet");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The received bytes, from the reader index, without moving it. */
    private static final class Bytes extends BulkInputStream {
        private final ByteBuf received;
        private final boolean ended;
        private int taken;

        Bytes(ByteBuf received, boolean ended) {
            this.received = received;
            this.ended = ended;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            int left = received.readableBytes() - taken;
            if (left == 0) {
                if (ended) {
                    return -1;
                }
                throw NOT_YET;
            }
            int n = Math.min(left, length);
            received.getBytes(received.readerIndex() + taken, target, offset, n);
            taken += n;
            return n;
        }
    }
}
