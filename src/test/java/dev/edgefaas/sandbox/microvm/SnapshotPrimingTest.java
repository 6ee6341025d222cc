package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.function.FunctionManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The priming request as a guest's server receives it, on a real socket. */
class SnapshotPrimingTest {
    @Test
    void theGuestIsAskedOptionsAsteriskAndTheConnectionIsClosedFromThePlatformsSide() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> answerOnce(server, "200 OK"));

            SnapshotPriming.prime(endpoint(server), FunctionManifest.SnapshotPrime.OPTIONS, "f@1");

            List<String> lines = received.get(10, TimeUnit.SECONDS);
            assertThat(lines.getFirst()).isEqualTo("OPTIONS * HTTP/1.1");
            assertThat(lines.getLast()).as("what the server read after its answer").isEqualTo("<closed by the client>");
        }
    }

    @Test
    void aPathIsAskedWithGetAndAnErrorAnswerStillPrimes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> answerOnce(server, "404 Not Found"));

            SnapshotPriming.prime(endpoint(server), FunctionManifest.SnapshotPrime.get("/warm?x=%20"), "f@1");

            assertThat(received.get(10, TimeUnit.SECONDS).getFirst()).isEqualTo("GET /warm?x=%20 HTTP/1.1");
        }
    }

    @Test
    void offSendsNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SnapshotPriming.prime(endpoint(server), FunctionManifest.SnapshotPrime.OFF, "f@1");

            server.setSoTimeout(200);
            CompletableFuture<Boolean> connected = CompletableFuture.supplyAsync(() -> {
                try (Socket _ = server.accept()) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(connected.get(10, TimeUnit.SECONDS)).as("a connection was made").isFalse();
        }
    }

    private static URI endpoint(ServerSocket server) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Reads one request head, answers {@code status} with an empty body, and records what came after it. */
    private static List<String> answerOnce(ServerSocket server, String status) {
        List<String> lines = new ArrayList<>();
        try (Socket client = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            lines.add(in.read() < 0 ? "<closed by the client>" : "<more bytes>");
        } catch (IOException e) {
            lines.add("<failed: " + e.getMessage() + ">");
        }
        return lines;
    }
}
