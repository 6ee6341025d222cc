package dev.edgefaas.gateway;

import dev.edgefaas.http.ChunkedInputStream;
import dev.edgefaas.http.FieldSyntax;
import dev.edgefaas.http.HttpFramingException;
import dev.edgefaas.http.LineReader;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A chunked body (RFC 9112 section 7.1) decoded as it arrives, by the same rules as
 * {@link ChunkedInputStream}, whose pure checks it calls: hex sizes only, extensions parsed and
 * dropped, the CRLF after each chunk's data required, trailer fields checked and dropped, every
 * line ending in CRLF and within its size limit. Lines may arrive split across reads.
 */
final class ChunkedDecoder implements BodyDecoder {
    private enum State { SIZE_LINE, DATA, DATA_CR, DATA_LF, TRAILER_LINE, DONE }

    private final String sender;
    private final StringBuilder line = new StringBuilder();
    private State state = State.SIZE_LINE;
    private long chunkRemaining;
    private int trailerBytes;

    ChunkedDecoder(String sender) {
        this.sender = sender;
    }

    @Override
    public boolean decode(ByteBuf received, Consumer<ByteBuf> content) throws HttpFramingException {
        while (state != State.DONE && received.isReadable()) {
            switch (state) {
                case SIZE_LINE -> {
                    String sizeLine = line(received, ChunkedInputStream.MAX_CHUNK_LINE, 400);
                    if (sizeLine != null) {
                        chunkRemaining = ChunkedInputStream.chunkSize(sizeLine, sender);
                        state = chunkRemaining == 0 ? State.TRAILER_LINE : State.DATA;
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(chunkRemaining, received.readableBytes());
                    content.accept(received.readRetainedSlice(n));
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> state = expect(received, '\r', State.DATA_LF);
                case DATA_LF -> state = expect(received, '\n', State.SIZE_LINE);
                case TRAILER_LINE -> trailer(received);
                case DONE -> throw new IllegalStateException();
            }
        }
        return state == State.DONE;
    }

    @Override
    public boolean complete() {
        return state == State.DONE;
    }

    private State expect(ByteBuf received, char expected, State next) throws HttpFramingException {
        if (received.readByte() != expected) {
            throw ChunkedInputStream.missingCrlfAfterData(sender);
        }
        return next;
    }

    private void trailer(ByteBuf received) throws HttpFramingException {
        String field = line(received, ChunkedInputStream.MAX_CHUNK_LINE, 431);
        if (field == null) {
            return;
        }
        if (field.isEmpty()) {
            state = State.DONE;
            return;
        }
        trailerBytes += field.length() + 2;
        if (trailerBytes > ChunkedInputStream.MAX_TRAILER_BYTES) {
            throw ChunkedInputStream.trailersTooLarge(sender);
        }
        // Checked like a header field, then dropped: no trailer is forwarded.
        FieldSyntax.parseFieldLine(field, "the trailer section");
    }

    /** The next line without its CRLF, or null if its end has not arrived (what did is kept). */
    private String line(ByteBuf received, int maxLength, int tooLongStatus) throws HttpFramingException {
        int lf = received.indexOf(received.readerIndex(), received.writerIndex(), (byte) '\n');
        int end = lf < 0 ? received.writerIndex() : lf;
        line.append(received.readCharSequence(end - received.readerIndex(), StandardCharsets.ISO_8859_1));
        if (lf < 0) {
            if (line.length() > maxLength + 1) {
                throw LineReader.lineTooLong(maxLength, tooLongStatus);
            }
            return null;
        }
        received.skipBytes(1);
        if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
            throw LineReader.bareLineFeed();
        }
        String complete = line.substring(0, line.length() - 1);
        line.setLength(0);
        if (complete.length() > maxLength) {
            throw LineReader.lineTooLong(maxLength, tooLongStatus);
        }
        return complete;
    }
}
