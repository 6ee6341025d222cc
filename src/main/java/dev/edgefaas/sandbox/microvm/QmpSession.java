package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A conversation with QEMU's machine protocol (QMP) that waits for each answer, for the steps
 * of saving and restoring a snapshot, which must happen in order and whose failures matter.
 * QEMU's events between answers are skipped, unless one is awaited. The whole conversation has
 * a deadline: when it passes, or QEMU exits, the socket is closed, so that a hung QEMU fails a
 * read instead of blocking its caller for good.
 */
final class QmpSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private QmpSession(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /**
     * Connects to the QMP socket QEMU makes at {@code socket} once it has started, waiting up to
     * {@code timeout} for it, and leaves capabilities negotiation; the conversation ends at the
     * latest {@code timeout} from now.
     *
     * @throws IOException if QEMU did not listen in time or the greeting is not QMP's
     */
    static QmpSession open(Path socket, Duration timeout, Process qemu) throws IOException {
        return new ControlSocket(socket, "QEMU's QMP socket", "QEMU").await(timeout, qemu, 2, deadline -> {
            SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            QmpSession session = new QmpSession(channel);
            long left = Math.max(0, deadline - System.nanoTime());
            CompletableFuture.runAsync(session::close, CompletableFuture.delayedExecutor(left, TimeUnit.NANOSECONDS));
            qemu.onExit().thenRun(session::close);
            JsonNode greeting = session.read();
            if (!greeting.has("QMP")) {
                session.close();
                throw new IOException("QEMU's socket " + socket + " did not greet with QMP: " + greeting);
            }
            session.execute("qmp_capabilities", null);
            return session;
        });
    }

    /**
     * Runs {@code command} with {@code arguments} (null for none) and returns its answer's
     * {@code return}.
     *
     * @throws IOException if QEMU answers with an error (its description is the message) or the socket fails
     */
    JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        out.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode answer = read();
            if (answer.has("return")) {
                return answer.get("return");
            }
            if (answer.has("error")) {
                throw new IOException(command + ": " + answer.path("error").path("desc").asText(answer.toString()));
            }
            // An event ({"event": ...}): not the answer.
        }
    }

    /**
     * Waits for QEMU's event {@code name}, skipping the others.
     *
     * @throws IOException if QEMU closes the socket first (it exited) or the deadline passes
     */
    void awaitEvent(String name) throws IOException {
        while (!read().path("event").asText().equals(name)) {
            // Another event, or the answer to nothing asked: not the one awaited.
        }
    }

    /** A new argument object for {@link #execute}. */
    static ObjectNode arguments() {
        return JSON.createObjectNode();
    }

    private JsonNode read() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QEMU closed its QMP socket");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket to a QEMU that is gone: nothing to do
        }
    }
}
