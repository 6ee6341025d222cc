package dev.edgefaas.gateway;

import dev.edgefaas.http.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A client's request body as blocking code reads it (the asynchronous handler, on a virtual
 * thread of its own): {@code 100 Continue} sent before the first read when the client waits for
 * it, bytes counted, and every failure a {@link ClientSideException} that is remembered, so the
 * connection is answered 400 and closed however the caller handled it.
 */
final class ClientBody extends BulkInputStream {

    private final InputStream decoded;
    private Runnable sendContinue;
    private long count;
    private boolean finished;
    private IOException failure;

    /**
     * @param decoded      the body with its framing undone, empty if the request has none
     * @param sendContinue answers {@code 100 Continue}, before the first read, if the client waits for it
     */
    ClientBody(InputStream decoded, boolean empty, Runnable sendContinue) {
        this.decoded = decoded;
        this.finished = empty;
        this.sendContinue = sendContinue;
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
            if (sendContinue != null) {
                // RFC 9110 section 10.1.1: the client sends the body once it sees this.
                sendContinue.run();
                sendContinue = null;
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
