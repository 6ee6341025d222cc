package dev.edgefaas.gateway;

import dev.edgefaas.http.HeaderField;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The answer to one client request, written by the gateway itself: the status line, the fields
 * given, then the framing fields it chooses (RFC 9112 section 6: Content-Length when the length
 * is known, else chunked to an HTTP/1.1 client and close-delimited to an HTTP/1.0 one) and
 * {@code Connection} as the connection's fate requires. One response per request; every write
 * failure is a {@link ClientSideException}.
 */
final class ClientResponse {
    private final ChannelOutput toClient;
    private final boolean headRequest;
    private final boolean http10;
    /** True while the request's body is unread: answering then ends the connection. */
    private final BooleanSupplier requestBodyPending;
    private boolean closeAfter;
    private boolean committed;
    private boolean broken;
    private int status;

    ClientResponse(ChannelOutput toClient, boolean headRequest, boolean http10, boolean keepAlive,
                   BooleanSupplier requestBodyPending) {
        this.toClient = toClient;
        this.headRequest = headRequest;
        this.http10 = http10;
        this.closeAfter = !keepAlive;
        this.requestBodyPending = requestBodyPending;
    }

    /** Whether the head has been written: from then on no other answer can be given. */
    boolean committed() {
        return committed;
    }

    /** Whether the connection must close after this response. */
    boolean closeAfter() {
        return closeAfter || broken;
    }

    /** The status sent, or 0 before {@link #committed()}. */
    int status() {
        return status;
    }

    /** Marks a response cut off midway: the connection closes with the answer incomplete, as the client must see it. */
    void markBroken() {
        broken = true;
    }

    /** Ends the connection after this response, whatever the request asked. */
    void closeConnectionAfter() {
        closeAfter = true;
    }

    /** A complete answer whose body is in memory. */
    void send(int status, String reason, List<HeaderField> fields, byte[] body) throws ClientSideException {
        try {
            writeHead(status, reason, fields, body.length, false);
            if (!headRequest) {
                toClient.write(body);
            }
            toClient.flush();
        } catch (IOException e) {
            throw new ClientSideException(e);
        }
    }

    /**
     * An answer without a body: a 1xx, 204 or 304, a HEAD request's, or an empty one.
     *
     * @param contentLength what the instance's Content-Length said, passed on for HEAD and 304; -1 if none
     */
    void sendWithoutBody(int status, String reason, List<HeaderField> fields, long contentLength) throws ClientSideException {
        try {
            boolean announcesLength = headRequest || status == 304;
            writeHead(status, reason, fields, announcesLength ? contentLength : 0, false);
            toClient.flush();
        } catch (IOException e) {
            throw new ClientSideException(e);
        }
    }

    /** How the body of a streamed answer goes to the client after {@link #startStreaming}. */
    enum Streaming {
        /** Nothing: the answer to a HEAD request. */
        NO_BODY,
        /** The bytes as they are: the length was announced, or the connection's end delimits them. */
        RAW,
        /** In chunks, ended by a last chunk. */
        CHUNKED
    }

    /**
     * Writes the head of an answer whose body the caller then streams as the returned mode says.
     *
     * @param contentLength the body's length, or -1 if unknown
     */
    Streaming startStreaming(int status, String reason, List<HeaderField> fields, long contentLength)
            throws ClientSideException {
        try {
            if (headRequest) {
                writeHead(status, reason, fields, contentLength, false);
                return Streaming.NO_BODY;
            }
            boolean chunked = contentLength < 0 && !http10;
            if (contentLength < 0 && http10) {
                // No chunked coding in HTTP/1.0: the body ends where the connection does.
                closeAfter = true;
            }
            writeHead(status, reason, fields, contentLength, chunked);
            return chunked ? Streaming.CHUNKED : Streaming.RAW;
        } catch (IOException e) {
            throw new ClientSideException(e);
        }
    }

    /**
     * @param contentLength the Content-Length to announce (for HEAD and 304 too, with no body
     *                      following), or -1 for none: chunked, or close-delimited
     * @param chunked       whether the body follows in chunks
     */
    private void writeHead(int status, String reason, List<HeaderField> fields, long contentLength, boolean chunked)
            throws IOException {
        if (committed) {
            throw new IllegalStateException("a response was already sent for this request");
        }
        committed = true;
        this.status = status;
        if (requestBodyPending.getAsBoolean()) {
            // Where the next request would start is unknown until the body is read: end the connection.
            closeAfter = true;
        }
        StringBuilder head = toClient.scratch();
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        boolean hasDate = false;
        for (HeaderField field : fields) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
            hasDate |= field.is("date");
        }
        if (!hasDate) {
            head.append("Date: ").append(HttpDate.now()).append("\r\n");
        }
        boolean bodiless = status < 200 || status == 204;
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else if (contentLength >= 0 && !bodiless) {
            head.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        if (closeAfter) {
            head.append("Connection: close\r\n");
        } else if (http10) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        toClient.writeLatin1(head);
    }
}
