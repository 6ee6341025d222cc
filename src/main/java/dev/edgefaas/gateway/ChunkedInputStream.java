package dev.edgefaas.gateway;

import java.io.EOFException;
import java.io.IOException;
import dev.edgefaas.http.LineReader;
import java.io.InputStream;

/**
 * The decoded body of a chunked message (RFC 9112 section 7.1); trailer fields are read and
 * dropped. The underlying stream stays open for the next message.
 */
final class ChunkedInputStream extends InputStream {
    private final LineReader in;
    private long chunkRemaining;
    private boolean finished;

    ChunkedInputStream(LineReader in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (chunkRemaining == 0) {
            chunkRemaining = nextChunkSize();
            if (chunkRemaining == 0) {
                skipTrailers();
                finished = true;
                return -1;
            }
        }
        int n = in.read(buffer, offset, (int) Math.min(length, chunkRemaining));
        if (n < 0) {
            throw new EOFException("the instance closed the connection inside a chunk");
        }
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            readLine();
        }
        return n;
    }

    boolean finished() {
        return finished;
    }

    private long nextChunkSize() throws IOException {
        String line = readLine();
        int extension = line.indexOf(';');
        try {
            return Long.parseLong((extension >= 0 ? line.substring(0, extension) : line).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("the instance sent a malformed chunk size: " + line);
        }
    }

    private void skipTrailers() throws IOException {
        while (!readLine().isEmpty()) {
            // Trailer fields describe the instance's message; none of them is forwarded.
        }
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new EOFException("the instance closed the connection inside a chunked body");
        }
        return line;
    }
}
