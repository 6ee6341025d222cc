package dev.edgefaas.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered HTTP/1.1 input: CRLF-terminated lines for the head, bulk reads for the body.
 * Unsynchronized (one reader at a time), unlike {@code BufferedInputStream}, whose per-byte lock
 * showed up in profiles of the gateway's data path.
 */
public final class LineReader extends InputStream {
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    public LineReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /**
     * The next line of a message head without its CRLF, as ISO-8859-1, parsed strictly: a line
     * that ends in a bare LF is a framing error (RFC 9112 section 2.2; the leniency it allows is
     * what lets two parsers in a chain disagree), as is one longer than {@code maxLength}, which
     * fails with {@code tooLongStatus}. A CR inside the line is left for the caller to reject.
     *
     * @return the line, or null at end of stream before any byte of it
     */
    public String readHeadLine(int maxLength, int tooLongStatus) throws IOException {
        StringBuilder spill = null;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                String line;
                if (spill == null) {
                    if (i == position || buffer[i - 1] != '\r') {
                        throw bareLineFeed();
                    }
                    line = new String(buffer, 0, position, i - 1 - position);
                } else {
                    spill.append(new String(buffer, 0, position, i - position));
                    if (spill.isEmpty() || spill.charAt(spill.length() - 1) != '\r') {
                        throw bareLineFeed();
                    }
                    line = spill.substring(0, spill.length() - 1);
                }
                position = i + 1;
                if (line.length() > maxLength) {
                    throw lineTooLong(maxLength, tooLongStatus);
                }
                return line;
            }
            if (limit > position) {
                if (spill == null) {
                    spill = new StringBuilder();
                }
                spill.append(new String(buffer, 0, position, limit - position));
                position = limit;
                if (spill.length() > maxLength + 1) {
                    throw lineTooLong(maxLength, tooLongStatus);
                }
            }
            if (!fill()) {
                if (spill == null) {
                    return null;
                }
                throw new HttpFramingException(400, "the connection closed in the middle of a line");
            }
        }
    }

    /** The error for a line that ends in LF alone; shared with the event loop's decoders. */
    public static HttpFramingException bareLineFeed() {
        return new HttpFramingException(400, "a line ended in a bare LF; HTTP/1.1 lines end in CRLF");
    }

    public static HttpFramingException lineTooLong(int maxLength, int status) {
        return new HttpFramingException(status, "a line is longer than " + maxLength + " bytes");
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= buffer.length) {
                // Large reads skip the buffer: bodies stream straight through.
                return in.read(target, offset, length);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    /** Bytes read from the stream beneath and not yet handed out: where a parsed head ended in it. */
    public int buffered() {
        return limit - position;
    }

    @Override
    public int available() throws IOException {
        return limit - position + in.available();
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
