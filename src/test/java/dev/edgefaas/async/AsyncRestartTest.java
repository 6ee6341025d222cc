package dev.edgefaas.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.testing.ServeProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node killed with accepted asynchronous invocations pending loses none: a real {@code serve}
 * is SIGKILLed while its only instance is busy and the invocations wait for it, and the next
 * start runs every one of them.
 */
class AsyncRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path stateDirectory = temporaryDirectory();

    @AfterEach
    void removeState() {
        Platform.start(PlatformConfig.ephemeral(stateDirectory, "process")).close();
        StateDirectory.deleteTree(stateDirectory);
    }

    @Test
    void invocationsAcceptedBeforeAKillAllRunAfterTheRestart() throws Exception {
        List<String> ids = new ArrayList<>();
        try (ServeProcess serve = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            String manifest = "{\"runtime\": \"go\", \"artifact\": \""
                    + SampleFunctions.functionsDirectory().resolve("go/fib/function")
                    + "\", \"concurrency\": 1, \"max-instances\": 1, \"queue-timeout\": \"200ms\"}";
            HttpResponse<String> deployed = http.send(serve.adminRequest("/api/functions/fib")
                    .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            http.sendAsync(HttpRequest.newBuilder(serve.gateway("/function/fib/?n=9000000000")).build(),
                    HttpResponse.BodyHandlers.discarding());
            await().atMost(Duration.ofSeconds(20)).until(() -> instancesInFlight(serve) == 1);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(serve.gateway("/async-function/fib/?n=" + i))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                ids.add(accepted.headers().firstValue("X-Edgefaas-Invocation").orElseThrow());
            }
            // Waiting for the busy instance: queued, or running (in the gateway, waiting for capacity).
            assertThat(ids).allSatisfy(id -> assertThat(state(serve, id)).isIn("queued", "running"));

            serve.kill();
        }

        try (ServeProcess restarted = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            for (String id : ids) {
                JsonNode finished = await().atMost(Duration.ofSeconds(60)).until(() -> status(restarted, id),
                        status -> status.path("state").asText().matches("done|failed"));
                assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("done");
                assertThat(finished.path("status").asInt()).isEqualTo(200);
            }
        }
    }

    private int instancesInFlight(ServeProcess serve) throws Exception {
        JsonNode instances = JSON.readTree(http.send(serve.adminRequest("/api/instances").build(),
                HttpResponse.BodyHandlers.ofString()).body());
        int inFlight = 0;
        for (JsonNode instance : instances) {
            inFlight += instance.path("in-flight").asInt();
        }
        return inFlight;
    }

    private JsonNode status(ServeProcess serve, String id) throws Exception {
        return JSON.readTree(http.send(serve.adminRequest("/api/async/" + id).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private String state(ServeProcess serve, String id) throws Exception {
        return status(serve, id).path("state").asText();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("edgefaas-async-restart-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
