package dev.edgefaas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one-client rounds of warm-overhead, from a real client JVM to a real HTTP server. */
class LatencyClientProcessTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "hello\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI path(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name);
    }

    @Test
    void recordsEveryMeasuredRoundOfEachPathAndNoneOfTheWarmUp() throws IOException {
        List<Histogram> histograms;
        try (LatencyClientProcess client = LatencyClientProcess.start(List.of(path("a"), path("b")))) {
            client.rounds(30);
            histograms = client.measure(50);
        }

        assertThat(histograms).hasSize(2);
        assertThat(histograms).allSatisfy(h -> {
            assertThat(h.getTotalCount()).isEqualTo(50);
            assertThat(h.getMinValue()).isPositive();
        });
        assertThat(requests).hasValue(2 * (30 + 50));
    }

    @Test
    void aPathThatCannotBeReachedFailsTheMeasurementWithAReason() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        try (LatencyClientProcess client = LatencyClientProcess.start(List.of(URI.create("http://127.0.0.1:" + closedPort + "/")))) {
            assertThatThrownBy(() -> client.rounds(1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("the latency client stopped");
        }
    }
}
