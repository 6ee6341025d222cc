package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sends the management API requests byte for byte, so that a test can send what
 * {@code java.net.http} refuses to (malformed escapes, raw non-ASCII in the target, any method),
 * and reads the one answer to the close: each request says {@code Connection: close}.
 */
final class RawAdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What came back.
     *
     * @param complete whether the answer ended as its framing says; false for one cut off by {@code idle}, such
     *                 as a followed log that stays open
     */
    record Answer(int status, Map<String, String> headers, byte[] body, boolean complete) {
        /** The body as JSON, or empty if it is none. */
        Optional<JsonNode> json() {
            try {
                return Optional.ofNullable(JSON.readTree(body));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        String bodyText(int max) {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.length() > max ? text.substring(0, max) + "...(" + body.length + " bytes)" : text;
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + bodyText(600);
        }
    }

    private RawAdminClient() {
    }

    /**
     * Writes {@code request} and reads until the answer is complete as its framing says, the
     * server closes, or it sends nothing for {@code idle}.
     *
     * @throws AssertionError if no status line and fields came: the server dropped or ignored the request
     */
    static Answer exchange(int port, byte[] request, boolean toHead, Duration idle) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean closed = false;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) idle.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (SocketException e) {
                // The server answered and closed before it read all: its answer is still to be read.
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1 << 16];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.write(buffer, 0, n);
                    Optional<Answer> answer = answerIn(received.toByteArray(), toHead, false);
                    if (answer.isPresent() && answer.get().complete()) {
                        return answer.get();
                    }
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                // Still open after idle: what came so far is the answer.
            } catch (SocketException e) {
                closed = true; // reset after the answer
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the management API on port " + port, e);
        }
        byte[] raw = received.toByteArray();
        boolean closedByServer = closed;
        return answerIn(raw, toHead, closed).orElseThrow(() -> new AssertionError("no answer" + (closedByServer
                ? ", the connection was closed" : " and the connection left open") + "; received: "
                + FuzzedAdminRequest.printable(raw, 400)));
    }

    /** The answer in {@code raw}, empty while its status line and fields are not all there. */
    private static Optional<Answer> answerIn(byte[] raw, boolean toHead, boolean closed) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headEnd < 0) {
            return Optional.empty();
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        byte[] rest = Arrays.copyOfRange(raw, headEnd + 4, raw.length);
        if (toHead || status == 204 || status == 304) {
            return Optional.of(new Answer(status, headers, new byte[0], true));
        }
        if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
            return Optional.of(dechunked(status, headers, rest));
        }
        String length = headers.get("content-length");
        if (length != null) {
            int declared = Integer.parseInt(length);
            return Optional.of(new Answer(status, headers, Arrays.copyOf(rest, Math.min(declared, rest.length)),
                    rest.length >= declared));
        }
        return Optional.of(new Answer(status, headers, rest, closed));
    }

    private static Answer dechunked(int status, Map<String, String> headers, byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(chunked, at);
            if (lineEnd < 0) {
                return new Answer(status, headers, body.toByteArray(), false);
            }
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].strip();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                return new Answer(status, headers, body.toByteArray(), true);
            }
            int dataStart = lineEnd + 2;
            if (dataStart + length > chunked.length) {
                body.write(chunked, dataStart, chunked.length - dataStart);
                return new Answer(status, headers, body.toByteArray(), false);
            }
            body.write(chunked, dataStart, length);
            at = dataStart + length + 2;
        }
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
