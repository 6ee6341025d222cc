package dev.edgefaas.http;

import java.io.IOException;
import java.io.InputStream;

/** Exactly {@code length} bytes of the underlying stream, which stays open for the next message. */
public final class FixedLengthInputStream extends BulkInputStream {
    private final InputStream in;
    private final long length;
    private final String sender;
    private long remaining;

    /** @param sender who writes the body, for messages: "the client", "the instance" */
    public FixedLengthInputStream(InputStream in, long length, String sender) {
        this.in = in;
        this.length = length;
        this.remaining = length;
        this.sender = sender;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new HttpFramingException(400, sender + " closed the connection after " + (this.length - remaining)
                    + " of the " + this.length + " body bytes its Content-Length announced");
        }
        remaining -= n;
        return n;
    }
}
