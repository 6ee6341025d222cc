package dev.edgefaas.gateway;

import dev.edgefaas.http.ChunkedInputStream;
import dev.edgefaas.http.ChunkedOutputStream;
import dev.edgefaas.http.FieldSyntax;
import dev.edgefaas.http.FixedLengthInputStream;
import dev.edgefaas.http.HeaderField;
import dev.edgefaas.http.LineReader;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 connection from the gateway to an instance. The gateway writes the request line
 * and fields itself so that the path and query go out byte for byte as the client sent them,
 * and keeps the per-request work to what forwarding needs. Used by one request at a time.
 */
final class InstanceConnection implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;
    private static final int BUFFER = 16 * 1024;
    private static final String SENDER = "the instance";

    private final URI endpoint;
    private final Socket socket;
    private final LineReader fromInstance;
    private final OutputStream toInstance;
    /** Whether this connection served an earlier request (so the instance may have closed it since). */
    private boolean reused;
    /** When the connection went idle or was last handed to a request, whichever was later. */
    private volatile long sinceNanos;
    private volatile boolean busy;

    private InstanceConnection(URI endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.fromInstance = new LineReader(socket.getInputStream(), BUFFER);
        this.toInstance = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    /**
     * Connects to {@code endpoint}. No read timeout is set on the socket: a timed read costs a
     * timer per blocking read on a virtual thread; {@link InstanceConnectionPool} closes
     * connections busy for too long instead.
     */
    static InstanceConnection open(URI endpoint, int connectTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), connectTimeoutMillis);
            return new InstanceConnection(endpoint, socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    boolean reused() {
        return reused;
    }

    long sinceNanos() {
        return sinceNanos;
    }

    boolean busy() {
        return busy;
    }

    /** Called when the connection is handed to a request. */
    void markBusy() {
        sinceNanos = System.nanoTime();
        busy = true;
    }

    /** Called when the connection goes back to the idle pool after a complete exchange. */
    void markIdle() {
        busy = false;
        sinceNanos = System.nanoTime();
        reused = true;
    }

    /** Writes the request line and fields; the body follows with {@link #requestBody}. */
    void writeHead(String method, String rawTarget, List<HeaderField> fields) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
        for (HeaderField field : fields) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        head.append("\r\n");
        toInstance.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The stream the request body is written to: exactly {@code contentLength} bytes, or chunked if it is -1. */
    OutputStream requestBody(long contentLength) {
        return contentLength >= 0 ? toInstance : new ChunkedOutputStream(toInstance);
    }

    void flush() throws IOException {
        toInstance.flush();
    }

    /**
     * Reads the answer's status line and fields, skipping interim 1xx answers. The instance is
     * held to the same syntax as clients: its answer is forwarded, so it must have one meaning too.
     *
     * @throws EOFException if the instance closed the connection before answering at all
     */
    ResponseHead readHead(boolean headRequest) throws IOException {
        while (true) {
            String statusLine = fromInstance.readHeadLine(MAX_LINE, 502);
            if (statusLine == null) {
                throw new EOFException("instance " + endpoint + " closed the connection without answering");
            }
            int status = statusCode(statusLine);
            String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
            List<HeaderField> fields = new ArrayList<>();
            for (String line = fromInstance.readHeadLine(MAX_LINE, 502); ; line = fromInstance.readHeadLine(MAX_LINE, 502)) {
                if (line == null) {
                    throw new EOFException("instance " + endpoint + " closed the connection inside its answer's head");
                }
                if (line.isEmpty()) {
                    break;
                }
                fields.add(FieldSyntax.parseFieldLine(line, "instance " + endpoint + "'s answer"));
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue;
            }
            return ResponseHead.of(status, reason, fields, headRequest);
        }
    }

    /** {@code HTTP/1.x NNN [reason]}, with a reason free of control characters. */
    private int statusCode(String statusLine) throws IOException {
        boolean wellFormed = statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' '
                && (statusLine.length() == 12 || statusLine.charAt(12) == ' ');
        for (int i = 9; wellFormed && i < 12; i++) {
            wellFormed = Character.isDigit(statusLine.charAt(i));
        }
        for (int i = 13; wellFormed && i < statusLine.length(); i++) {
            char c = statusLine.charAt(i);
            wellFormed = c == '\t' || (c >= 0x20 && c != 0x7f);
        }
        if (!wellFormed) {
            throw new IOException("instance " + endpoint + " answered with no valid HTTP status line: "
                    + FieldSyntax.printable(statusLine));
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    /** The answer's body as framed by {@code head}; reading it to its end leaves the connection ready for reuse. */
    InputStream responseBody(ResponseHead head) {
        return switch (head.framing()) {
            case NONE -> InputStream.nullInputStream();
            case FIXED -> new FixedLengthInputStream(fromInstance, head.contentLength(), SENDER);
            case CHUNKED -> new ChunkedInputStream(fromInstance, SENDER);
            case UNTIL_CLOSE -> fromInstance;
        };
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a connection we are done with: nothing to act on.
        }
    }
}
