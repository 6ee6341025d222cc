package dev.edgefaas.gateway;

import dev.edgefaas.http.BulkInputStream;
import dev.edgefaas.http.ChunkedInputStream;
import dev.edgefaas.http.FixedLengthInputStream;
import dev.edgefaas.http.LineReader;
import dev.edgefaas.http.RequestHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A client's request body as the gateway reads it: decoded from its framing, {@code 100 Continue}
 * sent before the first read when the client waits for it, bytes counted (a forward that read
 * none may be retried), and every failure a {@link ClientSideException} that is remembered,
 * so the connection is answered 400 and closed however the caller handled it.
 */
final class ClientBody extends BulkInputStream {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String SENDER = "the client";

    private final InputStream decoded;
    private final OutputStream toClient;
    private boolean continuePending;
    private long count;
    private boolean finished;
    private IOException failure;

    ClientBody(RequestHead head, LineReader fromClient, OutputStream toClient) {
        this.decoded = switch (head.framing()) {
            case NONE -> InputStream.nullInputStream();
            case FIXED -> new FixedLengthInputStream(fromClient, head.contentLength(), SENDER);
            case CHUNKED -> new ChunkedInputStream(fromClient, SENDER);
        };
        this.finished = head.framing() == RequestHead.BodyFraming.NONE;
        this.toClient = toClient;
        this.continuePending = head.expectContinue();
    }

    long count() {
        return count;
    }

    /** Whether the body was read to its end, so the connection is ready for the next request. */
    boolean finished() {
        return finished;
    }

    /** The client's failure while its body was read, or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (failure != null) {
            throw new ClientSideException(failure);
        }
        try {
            if (continuePending) {
                // RFC 9110 section 10.1.1: the client sends the body once it sees this.
                continuePending = false;
                toClient.write(CONTINUE);
                toClient.flush();
            }
            int n = decoded.read(buffer, offset, length);
            if (n < 0) {
                finished = true;
            } else {
                count += n;
            }
            return n;
        } catch (IOException e) {
            failure = e;
            throw new ClientSideException(e);
        }
    }
}
