package dev.edgefaas.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal HTTP/1.1 client on one keep-alive connection, sending one fixed request again and
 * again. For measurements, because it does the same small work for every target, so differences
 * between targets are the targets'; and to send a guest its priming request before a snapshot.
 * Not thread-safe: one connection per client thread.
 */
public final class KeepAliveConnection implements AutoCloseable {
    private final Socket socket;
    private final LineReader in;
    private final OutputStream out;
    private final byte[] request;
    private static final int MAX_LINE = 64 * 1024;
    private final byte[] skip = new byte[64 * 1024];

    /** Opens a connection to {@code target}'s host and port that will GET {@code target}'s path and query. */
    public KeepAliveConnection(URI target) throws IOException {
        this(target, "GET", (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()), Duration.ofSeconds(60));
    }

    /**
     * Opens a connection to {@code server}'s host and port that will send {@code method} for
     * {@code requestTarget} as it is ({@code *} included), waiting at most {@code patience} for
     * each read.
     */
    public KeepAliveConnection(URI server, String method, String requestTarget, Duration patience) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
        socket.setSoTimeout((int) patience.toMillis());
        in = new LineReader(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
        request = (method + " " + requestTarget + " HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the request and reads the whole answer; returns its status code. */
    public int get() throws IOException {
        return exchange(null).status();
    }

    /** Sends the request, reads the whole answer, fails unless it is 200; returns {@code header}'s value or "". */
    public String getWithHeader(String header) throws IOException {
        Answer answer = exchange(header);
        if (answer.status() != 200) {
            throw new IOException("answered " + answer.status());
        }
        return answer.header();
    }

    /**
     * One answer.
     *
     * @param header          the value of the header asked for, or ""
     * @param connectionClose whether the server said it closes the connection after this answer
     */
    public record Answer(int status, String header, boolean connectionClose) {
    }

    /** Sends the request and reads the whole answer, whatever its status; {@code header}'s value is kept. */
    public Answer answer(String header) throws IOException {
        return exchange(header);
    }

    private Answer exchange(String wantedHeader) throws IOException {
        String wanted = "";
        out.write(request);
        out.flush();
        String statusLine = readLine();
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean connectionClose = false;
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (wantedHeader != null && name.equalsIgnoreCase(wantedHeader)) {
                wanted = value;
            }
            if (name.equalsIgnoreCase("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                connectionClose = true;
            }
        }
        if (chunked) {
            ChunkedInputStream body = new ChunkedInputStream(in, "the server");
            while (body.read(skip, 0, skip.length) >= 0) {
                // Only the end of the body matters.
            }
        } else if (contentLength > 0) {
            discard(contentLength);
        }
        return new Answer(status, wanted, connectionClose);
    }

    private void discard(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            int n = in.read(skip, 0, (int) Math.min(skip.length, left));
            if (n < 0) {
                throw new IOException("connection closed with " + left + " bytes of the body unread");
            }
            left -= n;
        }
    }

    private String readLine() throws IOException {
        return in.readHeadLine(MAX_LINE, 502);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
