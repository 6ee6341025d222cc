package dev.edgefaas.gateway;

import dev.edgefaas.testing.PrintableBytes;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A test client that writes raw bytes to the gateway and reads back, strictly, every response
 * the server sends on that connection (RFC 9112): a status line, field lines ending in CRLF, a
 * body framed by Content-Length or chunked (decoded) or, lacking both, by the close; no body
 * after 1xx, 204, 304 or a HEAD. Anything else in the answer fails the test that reads it.
 */
final class RawHttpClient implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LINE_BYTES = 64 * 1024;
    private static final Pattern STATUS_LINE = Pattern.compile("(HTTP/1\\.[01]) ([0-9]{3}) ([\\t -~\\x80-\\xff]*)");
    private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern FIELD_VALUE = Pattern.compile("[\\t -~\\x80-\\xff]*");

    /**
     * What the server sent on one connection.
     *
     * @param closed the server closed the connection after these responses (EOF or reset)
     * @param reset  it did so with a TCP reset
     */
    record Received(List<RawResponse> responses, boolean closed, boolean reset) {
        RawResponse only() {
            if (responses.size() != 1) {
                throw new AssertionError("expected exactly one response, got " + responses.size() + ": " + responses);
            }
            return responses.getFirst();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawHttpClient connect(int port) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return new RawHttpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code request}, shuts the client's side for writing, and reads every response until the server closes. */
    static Received exchangeHalfClosed(int port, String request) {
        try (RawHttpClient client = connect(port)) {
            return client.write(request).halfClose().readToEnd();
        }
    }

    /**
     * Writes {@code request}, shuts the client's side for writing and reads to the end. A
     * write the server refuses (it closed or reset the connection first) is not an error: what
     * it answered before is still read.
     */
    static Received exchangeHalfClosed(int port, byte[] request, boolean toHead) {
        try (RawHttpClient client = connect(port)) {
            try {
                client.write(request).halfClose();
            } catch (UncheckedIOException e) {
                // The server closed early; its answer, if any, is in the receive buffer.
            }
            return client.readToEnd(toHead);
        }
    }

    /** Writes {@code latin1} byte for byte: every char must be below 0x100. */
    RawHttpClient write(String latin1) {
        return write(bytes(latin1));
    }

    RawHttpClient write(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shuts the client's sending side: the server reads EOF after what was written. */
    RawHttpClient halfClose() {
        try {
            socket.shutdownOutput();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next response to a request other than HEAD; fails if the server closes or goes quiet first. */
    RawResponse next() {
        Received received = read(1);
        if (received.responses().isEmpty()) {
            throw new AssertionError("expected a response, but the server " + (received.closed() ? "closed the connection"
                    : "sent nothing for " + READ_TIMEOUT.toSeconds() + " s"));
        }
        return received.responses().getFirst();
    }

    /** Responses until the server closes the connection or sends nothing for {@link #READ_TIMEOUT}. */
    Received readToEnd() {
        return read(Integer.MAX_VALUE, false);
    }

    /** As {@link #readToEnd()}, for responses to HEAD requests when {@code toHead}: those have no body. */
    Received readToEnd(boolean toHead) {
        return read(Integer.MAX_VALUE, toHead);
    }

    /** At most {@code count} responses; fewer if the server closes or goes quiet first. */
    Received read(int count) {
        return read(count, false);
    }

    private Received read(int count, boolean toHead) {
        List<RawResponse> responses = new ArrayList<>();
        while (responses.size() < count) {
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException e) {
                return new Received(responses, false, false);
            } catch (SocketException e) {
                return new Received(responses, true, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (first < 0) {
                return new Received(responses, true, false);
            }
            RawResponse response;
            try {
                response = readResponse(first, toHead);
            } catch (IOException e) {
                throw new AssertionError("the server broke off response " + (responses.size() + 1) + " after "
                        + responses + ": " + e, e);
            }
            responses.add(response);
            if (!toHead && hasBody(response.status()) && response.header("Content-Length").isEmpty()
                    && !response.tokens("Transfer-Encoding").contains("chunked")) {
                // Close-delimited: the body ended with the connection.
                return new Received(responses, true, false);
            }
        }
        return new Received(responses, false, false);
    }

    private RawResponse readResponse(int first, boolean toHead) throws IOException {
        String statusLine = (char) first + line();
        var status = STATUS_LINE.matcher(statusLine);
        if (!status.matches()) {
            throw new AssertionError("malformed status line: " + printable(statusLine.getBytes(StandardCharsets.ISO_8859_1), 200));
        }
        int code = Integer.parseInt(status.group(2));
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            if (!FIELD_NAME.matcher(name).matches() || !FIELD_VALUE.matcher(value).matches()) {
                throw new AssertionError("malformed field line in a " + code + " response: "
                        + printable(line.getBytes(StandardCharsets.ISO_8859_1), 200));
            }
            fields.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }
        RawResponse head = new RawResponse(status.group(1), code, status.group(3), fields, new byte[0]);
        byte[] body = hasBody(code) && !toHead ? body(head) : new byte[0];
        return new RawResponse(head.version(), code, head.reason(), fields, body);
    }

    private static boolean hasBody(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    private byte[] body(RawResponse head) throws IOException {
        List<String> lengths = head.headers("Content-Length");
        boolean chunked = head.tokens("Transfer-Encoding").contains("chunked");
        if (chunked && !lengths.isEmpty()) {
            throw new AssertionError("a response with both Transfer-Encoding and Content-Length: " + head);
        }
        if (chunked) {
            return chunkedBody();
        }
        if (!lengths.isEmpty()) {
            if (lengths.stream().distinct().count() != 1 || !lengths.getFirst().matches("[0-9]{1,18}")) {
                throw new AssertionError("an invalid Content-Length in " + head);
            }
            return exactly(Long.parseLong(lengths.getFirst()));
        }
        return in.readAllBytes();
    }

    private byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            String size = sizeLine.contains(";") ? sizeLine.substring(0, sizeLine.indexOf(';')) : sizeLine;
            if (!size.matches("[0-9a-fA-F]{1,15}")) {
                throw new AssertionError("a malformed chunk size line in a response: " + sizeLine);
            }
            long length = Long.parseLong(size, 16);
            if (length == 0) {
                while (!line().isEmpty()) {
                    // Trailer fields: read, not kept.
                }
                return body.toByteArray();
            }
            body.write(exactly(length));
            if (!line().isEmpty()) {
                throw new AssertionError("chunk data in a response not followed by CRLF");
            }
        }
    }

    private byte[] exactly(long length) throws IOException {
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new EOFException("the connection ended " + bytes.length + " bytes into a " + length + "-byte body");
        }
        return bytes;
    }

    /** One line without its CRLF; a bare LF or CR fails the test. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended inside a line: " + line);
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new AssertionError("a CR not followed by LF in a response, after: " + line);
                }
                return line.toString();
            }
            if (b == '\n') {
                throw new AssertionError("a bare LF in a response, after: " + line);
            }
            if (line.length() == MAX_LINE_BYTES) {
                throw new AssertionError("a response line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.append((char) b);
        }
    }

    static byte[] bytes(String latin1) {
        for (int i = 0; i < latin1.length(); i++) {
            if (latin1.charAt(i) > 0xff) {
                throw new IllegalArgumentException("not a Latin-1 string: char " + i + " of " + latin1);
            }
        }
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes} escaped for messages ({@link PrintableBytes}). */
    static String printable(byte[] bytes, int max) {
        return PrintableBytes.of(bytes, max);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
