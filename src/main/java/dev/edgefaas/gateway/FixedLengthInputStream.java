package dev.edgefaas.gateway;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Exactly {@code length} bytes of the underlying stream, which stays open for the next message. */
final class FixedLengthInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    FixedLengthInputStream(InputStream in, long length) {
        this.in = in;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new EOFException("the instance closed the connection with " + remaining + " bytes of the body unsent");
        }
        remaining -= n;
        return n;
    }

    boolean finished() {
        return remaining == 0;
    }
}
