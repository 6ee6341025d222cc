package dev.edgefaas.gateway;

import dev.edgefaas.http.HttpFramingException;
import dev.edgefaas.http.LineReader;
import dev.edgefaas.http.RequestHead;
import dev.edgefaas.http.RequestHeadReader;
import dev.edgefaas.metrics.PlatformMetrics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's connection to the invocation listener, served on its own virtual thread:
 * requests are read and answered one after the other (pipelined ones in order), until the
 * client or a response ends the connection. A framing error is answered with its 4xx and
 * {@code Connection: close}, and nothing after it on the connection is read: past a framing
 * error nobody knows where the next request would start.
 */
final class ClientConnection implements Runnable {
    private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());
    private static final int BUFFER = 16 * 1024;
    /** How long, and how much, a connection the gateway ends reads on before it closes. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int MAX_LINGER_BYTES = 1024 * 1024;

    private final Socket socket;
    private final InvocationHandler handler;
    private final PlatformMetrics metrics;
    private final Consumer<ClientConnection> onClose;
    /** When the connection began waiting for its next request, or 0 while it is serving one. */
    private volatile long idleSinceNanos = System.nanoTime();
    /** Whether the client ended the connection (so there is nothing left to read). */
    private boolean endedByClient;

    ClientConnection(Socket socket, InvocationHandler handler, PlatformMetrics metrics, Consumer<ClientConnection> onClose) {
        this.socket = socket;
        this.handler = handler;
        this.metrics = metrics;
        this.onClose = onClose;
    }

    /** Nanoseconds since the connection went idle, or 0 if it is serving a request. */
    long idleNanos(long now) {
        long since = idleSinceNanos;
        return since == 0 ? 0 : now - since;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setTcpNoDelay(true);
            LineReader fromClient = new LineReader(socket.getInputStream(), BUFFER);
            OutputStream toClient = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            InetAddress peer = ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress();
            while (serveOne(fromClient, toClient, peer)) {
                idleSinceNanos = System.nanoTime();
            }
            if (!endedByClient) {
                lingeringClose(fromClient);
            }
        } catch (IOException e) {
            // The client went away or reset the connection: there is nobody left to answer.
            LOG.finer(() -> "client connection ended: " + e);
        } finally {
            onClose.accept(this);
        }
    }

    /** Reads and answers one request; whether the connection may carry another. */
    private boolean serveOne(LineReader fromClient, OutputStream toClient, InetAddress peer) throws IOException {
        RequestHead head;
        try {
            head = RequestHeadReader.read(fromClient);
        } catch (HttpFramingException e) {
            refuse(toClient, e);
            return false;
        }
        if (head == null) {
            endedByClient = true;
            return false;
        }
        idleSinceNanos = 0;
        ClientBody body = new ClientBody(head, fromClient, toClient);
        ClientResponse response = new ClientResponse(toClient, head.method().equals("HEAD"), head.http10(), head.keepAlive(),
                () -> !body.finished());
        ClientRequest request = new ClientRequest(head, body, peer);
        try {
            handler.handle(request, response);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "answering " + head.method() + " " + head.rawPath() + " failed", e);
            if (!response.committed()) {
                response.closeConnectionAfter();
                ErrorResponses.send(response, 500, "the gateway failed while answering: " + e);
            }
            return false;
        }
        if (!response.committed() && body.failure() == null) {
            // Every path of the handler answers; one that did not is a bug, and the client must not hang on it.
            LOG.warning(() -> "no answer was given to " + head.method() + " " + head.rawPath());
            response.closeConnectionAfter();
            ErrorResponses.send(response, 500, "the gateway gave no answer to this request");
            return false;
        }
        if (body.failure() != null) {
            if (!response.committed()) {
                int status = body.failure() instanceof HttpFramingException framing ? framing.status() : 400;
                response.closeConnectionAfter();
                metrics.rejectedRequest(status);
                ErrorResponses.send(response, status, body.failure().getMessage());
            }
            return false;
        }
        return !response.closeAfter();
    }

    /**
     * Ends a connection the gateway chose to end: its sending side first, then reads and drops
     * what the client still sends, for a while. Closing with unread input would send a reset,
     * and a client that is still writing (a rejected upload, pipelined requests) could lose the
     * answer it is owed before reading it (RFC 9112 section 9.6).
     */
    private void lingeringClose(InputStream fromClient) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout((int) LINGER.toMillis());
            long deadline = System.nanoTime() + LINGER.toNanos();
            byte[] sink = new byte[BUFFER];
            long drained = 0;
            while (drained < MAX_LINGER_BYTES && System.nanoTime() < deadline) {
                int n = fromClient.read(sink);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException e) {
            // Timed out or reset: the connection closes either way.
        }
    }

    /** Answers a request whose head could not be read, and lets the connection close. */
    private void refuse(OutputStream toClient, HttpFramingException e) throws IOException {
        metrics.rejectedRequest(e.status());
        ClientResponse response = new ClientResponse(toClient, false, false, false, () -> false);
        ErrorResponses.send(response, e.status(), e.getMessage());
    }

    /** Closes the socket: a request being read or answered fails at once. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing what we are done with: nothing to act on.
        }
    }
}
