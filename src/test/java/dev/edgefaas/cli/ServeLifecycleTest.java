package dev.edgefaas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.testing.ServeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The platform as a user runs it: a separate JVM, stopped by signals. */
class ServeLifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path stateDirectory = createTempDirectory();

    @AfterEach
    void removeState() {
        // A test that failed half-way may have left instances: a platform started on the same
        // state directory reaps them (the behaviour under test, used here as the safety net).
        Platform.start(
                PlatformConfig.ephemeral(stateDirectory, "process")).close();
        StateDirectory.deleteTree(stateDirectory);
    }

    @Test
    void sigtermDrainsAndLeavesNoInstanceProcessOrCgroupBehind() throws Exception {
        List<Long> pids;
        List<String> ids;
        try (ServeProcess serve = ServeProcess.start(stateDirectory, List.of())) {
            assertThat(get(serve.gateway("/function/hello-go/")).headers().firstValue("X-Start")).hasValue("cold");
            assertThat(get(serve.gateway("/function/hello-go/")).headers().firstValue("X-Start")).hasValue("warm");
            assertThat(get(serve.gateway("/function/hello-node/")).body()).isEqualTo("hello\n");
            JsonNode instances = JSON.readTree(send(serve.adminRequest("/api/instances")).body());
            pids = new ArrayList<>();
            ids = new ArrayList<>();
            instances.forEach(i -> {
                pids.add(i.path("pid").asLong());
                ids.add(i.path("id").asText());
            });
            assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(alive(pid)).isTrue());

            // 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran (a systemd unit says SuccessExitStatus=143).
            assertThat(serve.terminate()).isIn(0, 143);
        }

        assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("instance pid %d", pid).isFalse());
        assertThat(ids).allSatisfy(id -> assertThat(cgroupsNamed(id)).isEmpty());
        assertThat(records()).isEmpty();
    }

    @Test
    void afterTheGatewayIsKilledTheNextStartRemovesWhatItLeftBehind() throws Exception {
        List<Long> pids = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        ServeProcess crashed = ServeProcess.start(stateDirectory, List.of());
        try {
            get(crashed.gateway("/function/hello-go/"));
            get(crashed.gateway("/function/hello-node/"));
            JSON.readTree(send(crashed.adminRequest("/api/instances")).body()).forEach(i -> {
                pids.add(i.path("pid").asLong());
                ids.add(i.path("id").asText());
            });
        } finally {
            crashed.kill();
        }
        assertThat(pids).as("orphaned instances outlive a SIGKILLed gateway").allSatisfy(pid -> assertThat(alive(pid)).isTrue());
        assertThat(records()).hasSize(2);
        assertThat(scratchDirectories()).hasSize(2);

        try (ServeProcess restarted = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            assertThat(restarted.output()).contains("removed 2 instances left by an earlier run");
            await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream().noneMatch(ServeLifecycleTest::alive));
            assertThat(ids).allSatisfy(id -> assertThat(cgroupsNamed(id)).isEmpty());
            assertThat(records()).isEmpty();
            assertThat(scratchDirectories()).isEmpty();
        }
    }

    @Test
    void aHundredMebibyteBodyStreamsThroughAGatewayWithASmallHeap() throws Exception {
        long size = 100L * 1024 * 1024;
        // With 48 MiB of heap the gateway cannot hold the body: only streaming gets it through.
        try (ServeProcess serve = ServeProcess.start(stateDirectory, List.of("-Xmx48m"))) {
            HttpRequest upload = HttpRequest.newBuilder(serve.gateway("/function/hello-go/?echo=1"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(size)))
                    .build();
            HttpResponse<String> echoed = http.send(upload, HttpResponse.BodyHandlers.ofString());

            assertThat(echoed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(echoed.body()).path("bodyBytes").asLong()).isEqualTo(size);

            HttpResponse<InputStream> download = http.send(
                    HttpRequest.newBuilder(serve.gateway("/function/static-go/")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long received;
            try (InputStream body = download.body()) {
                received = body.transferTo(OutputStream.nullOutputStream());
            }
            assertThat(received).isEqualTo(50L * 1024 * 1024);
            assertThat(serve.output()).doesNotContain("OutOfMemoryError");
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Instance records and scratch directories in the state directory. */
    private List<Path> records() throws IOException {
        try (Stream<Path> files = Files.list(stateDirectory.resolve("instances"))) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }

    private List<Path> scratchDirectories() throws IOException {
        try (Stream<Path> files = Files.list(stateDirectory.resolve("instances"))) {
            return files.filter(Files::isDirectory).toList();
        }
    }

    /** Cgroup directories of that instance in any v1 or v2 hierarchy. */
    private static List<Path> cgroupsNamed(String id) throws IOException {
        List<Path> found = new ArrayList<>();
        Path root = Path.of("/sys/fs/cgroup");
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> hierarchies = Files.list(root)) {
            for (Path hierarchy : hierarchies.toList()) {
                for (Path candidate : List.of(hierarchy.resolve("edgefaas").resolve(id), root.resolve("edgefaas").resolve(id))) {
                    if (Files.exists(candidate)) {
                        found.add(candidate);
                    }
                }
            }
        }
        return found;
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("edgefaas-serve-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} zero bytes, made as they are read. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
