package dev.edgefaas.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose every read goes through {@link #read(byte[], int, int)}, so that a
 * decoder states its rules once; the single-byte read is rare on these paths.
 */
public abstract class BulkInputStream extends InputStream {
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] buffer, int offset, int length) throws IOException;
}
