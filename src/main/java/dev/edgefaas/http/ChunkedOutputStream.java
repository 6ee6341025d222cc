package dev.edgefaas.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a body of unknown length as chunks (RFC 9112 section 7.1); {@link #close} writes the last chunk only. */
public final class ChunkedOutputStream extends FilterOutputStream {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    public ChunkedOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(buffer, offset, length);
        out.write(CRLF);
    }

    /** Ends the body; the connection itself stays open. */
    @Override
    public void close() throws IOException {
        out.write(LAST_CHUNK);
        out.flush();
    }
}
