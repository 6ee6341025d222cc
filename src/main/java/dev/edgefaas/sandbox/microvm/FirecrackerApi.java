package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Firecracker's API on its Unix socket ({@code --api-sock}): HTTP/1.1 with JSON bodies, one
 * connection per request (the few calls of a save or a restore do not need more). A success is
 * 204 No Content, or 200 with a body for {@code GET}; a refusal is 4xx/5xx with {@code
 * {"fault_message": ...}}, which becomes the message of an {@link IOException}.
 */
final class FirecrackerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than any answer Firecracker sends: a head and a small JSON body. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Path socket;

    FirecrackerApi(Path socket) {
        this.socket = socket;
    }

    /**
     * Waits until the Firecracker of {@code process} answers {@code GET /} on {@code socket},
     * within {@code timeout}.
     *
     * @throws IOException if it exited first or did not answer in time
     */
    static FirecrackerApi await(Path socket, Duration timeout, Process process) throws IOException {
        FirecrackerApi api = new FirecrackerApi(socket);
        return new ControlSocket(socket, "Firecracker's API socket", "Firecracker").await(timeout, process, 10, deadline -> {
            api.get("/");
            return api;
        });
    }

    /** {@code GET path}: the answer's JSON body. */
    JsonNode get(String path) throws IOException {
        return JSON.readTree(exchange("GET", path, null));
    }

    /** {@code PUT path} with {@code body} serialized as JSON. */
    void put(String path, Object body) throws IOException {
        exchange("PUT", path, body);
    }

    /** {@code PATCH path} with {@code body} serialized as JSON. */
    void patch(String path, Object body) throws IOException {
        exchange("PATCH", path, body);
    }

    private byte[] exchange(String method, String path, Object body) throws IOException {
        byte[] json = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(channel);
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n")
                    + "Connection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            Answer answer = Answer.read(Channels.newInputStream(channel));
            if (answer.status() / 100 != 2) {
                throw new IOException(method + " " + path + " answered " + answer.status() + ": " + answer.fault());
            }
            return answer.body();
        }
    }

    /** One answer: its status and body (of Content-Length bytes, or to the end of the connection). */
    private record Answer(int status, byte[] body) {
        static Answer read(InputStream in) throws IOException {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
                if (received.size() > MAX_ANSWER_BYTES) {
                    throw new IOException("Firecracker's answer is longer than " + MAX_ANSWER_BYTES + " bytes");
                }
                Answer whole = parse(received.toByteArray());
                if (whole != null) {
                    return whole;
                }
            }
            Answer whole = parse(received.toByteArray());
            if (whole == null) {
                throw new IOException("Firecracker closed the connection before a whole answer");
            }
            return whole;
        }

        /** The answer in {@code bytes}, or null while its head or body is incomplete. */
        private static Answer parse(byte[] bytes) throws IOException {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            String[] lines = text.substring(0, headEnd).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer from Firecracker: " + lines[0]);
            }
            int status;
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status from Firecracker: " + lines[0], e);
            }
            int length = 0;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    try {
                        length = Integer.parseInt(lines[i].substring(colon + 1).trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("a bad Content-Length from Firecracker: " + lines[i], e);
                    }
                }
            }
            int bodyStart = headEnd + 4;
            if (bytes.length - bodyStart < length) {
                return null;
            }
            byte[] body = new byte[length];
            System.arraycopy(bytes, bodyStart, body, 0, length);
            return new Answer(status, body);
        }

        /** What a refusal says: its {@code fault_message}, else its body as it is. */
        String fault() {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            try {
                JsonNode fault = JSON.readTree(text).path("fault_message");
                return fault.isTextual() ? fault.asText() : text;
            } catch (IOException notJson) {
                return text.isEmpty() ? "no reason given" : text;
            }
        }
    }
}
