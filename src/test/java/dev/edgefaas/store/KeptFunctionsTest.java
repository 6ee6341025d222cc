package dev.edgefaas.store;

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
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Functions deployed through the management API are kept in the data directory: they come back
 * after a restart or a SIGKILL, a deploy cut short leaves the previous version, and the user's
 * own files can change or go once deployed. A real {@code serve} in a JVM of its own.
 */
class KeptFunctionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path stateDirectory = temporaryDirectory("edgefaas-kept-");
    private final Path userFiles = temporaryDirectory("edgefaas-user-");

    @AfterEach
    void removeState() {
        // A platform on the same state directory reaps whatever a failed test left running.
        Platform.start(PlatformConfig.ephemeral(stateDirectory, "process")).close();
        StateDirectory.deleteTree(stateDirectory);
        StateDirectory.deleteTree(userFiles);
    }

    /** hello-go copied to a directory of the user's, with a marker so that versions differ. */
    private Path userCopyOfHello(String marker) throws IOException {
        Path app = Files.createDirectories(userFiles.resolve("hello-" + marker));
        Files.copy(SampleFunctions.functionsDirectory().resolve("go/hello/function"), app.resolve("function"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(app.resolve("marker.txt"), marker);
        return app;
    }

    private HttpResponse<String> put(ServeProcess serve, String name, Path artifact) throws Exception {
        String manifest = "{\"runtime\": \"go\", \"artifact\": \"" + artifact + "\"}";
        return http.send(serve.adminRequest("/api/functions/" + name)
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode function(ServeProcess serve, String name) throws Exception {
        return JSON.readTree(http.send(serve.adminRequest("/api/functions/" + name).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpResponse<String> invoke(ServeProcess serve, String name) throws Exception {
        return http.send(HttpRequest.newBuilder(serve.gateway("/function/" + name + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDeployedFunctionComesBackAfterARestartAndNeedsNoneOfTheUsersFiles() throws Exception {
        String version;
        Path userCopy = userCopyOfHello("one");
        try (ServeProcess serve = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            HttpResponse<String> deployed = put(serve, "kept", userCopy);
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            version = JSON.readTree(deployed.body()).path("version").asText();
            assertThat(version).hasSize(12);
            assertThat(function(serve, "kept").path("artifact").asText()).startsWith(stateDirectory.resolve("data").toString());
            StateDirectory.deleteTree(userFiles);
            assertThat(invoke(serve, "kept").body()).isEqualTo("hello\n");
        }

        try (ServeProcess restarted = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            assertThat(function(restarted, "kept").path("version").asText()).isEqualTo(version);
            assertThat(function(restarted, "kept").path("source").asText()).as("where it came from, kept too")
                    .isEqualTo("path " + userCopy);
            HttpResponse<String> cold = invoke(restarted, "kept");
            assertThat(cold.body()).isEqualTo("hello\n");
            assertThat(cold.headers().firstValue("X-Start")).hasValue("cold");
        }
    }

    @Test
    void aRedeployGetsANewVersionAndARemovedFunctionStaysRemoved() throws Exception {
        try (ServeProcess serve = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            String first = JSON.readTree(put(serve, "kept", userCopyOfHello("one")).body()).path("version").asText();
            HttpResponse<String> again = put(serve, "kept", userCopyOfHello("two"));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).path("version").asText()).isNotEqualTo(first);
            put(serve, "gone", userCopyOfHello("three"));
            http.send(serve.adminRequest("/api/functions/gone").DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        try (ServeProcess restarted = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            assertThat(invoke(restarted, "kept").statusCode()).isEqualTo(200);
            assertThat(invoke(restarted, "gone").statusCode()).isEqualTo(404);
            // Only the artifacts a kept function names remain: the first version's and "gone"'s were collected.
            try (Stream<Path> artifacts = Files.list(stateDirectory.resolve("data/artifacts"))) {
                assertThat(artifacts).hasSize(1);
            }
        }
    }

    @Test
    void aVersionsArtifactGoesWhenNoFunctionUsesItAnyMoreWhileAnUploadWaitingForItsDeployStays() throws Exception {
        try (ServeProcess serve = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            Path one = userCopyOfHello("one");
            put(serve, "kept", one);
            put(serve, "twin", one);
            assertThat(invoke(serve, "kept").body()).isEqualTo("hello\n");
            String shared = artifactDigest(serve, "kept");
            assertThat(artifactDigest(serve, "twin")).as("the same content, stored once").isEqualTo(shared);
            String waiting = JSON.readTree(http.send(serve.adminRequest("/api/artifacts?name=function")
                    .POST(HttpRequest.BodyPublishers.ofByteArray("not deployed yet".getBytes())).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("artifact").asText().substring("sha256:".length());

            put(serve, "kept", userCopyOfHello("two"));
            String second = artifactDigest(serve, "kept");
            http.send(serve.adminRequest("/api/functions/twin").DELETE().build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedArtifacts())
                    .as("the first version's, once neither kept nor twin names it").containsExactlyInAnyOrder(second, waiting));

            http.send(serve.adminRequest("/api/functions/kept").DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(storedArtifacts()).containsExactly(waiting);
        }
    }

    private String artifactDigest(ServeProcess serve, String name) throws Exception {
        return Path.of(function(serve, name).path("artifact").asText()).getParent().getFileName().toString();
    }

    private List<String> storedArtifacts() throws IOException {
        try (Stream<Path> artifacts = Files.list(stateDirectory.resolve("data/artifacts"))) {
            return artifacts.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aNodeKilledInTheMiddleOfADeployRestartsWithThePreviousVersion() throws Exception {
        Path large = userCopyOfHello("large");
        try (RandomAccessFile data = new RandomAccessFile(large.resolve("data.bin").toFile(), "rw")) {
            // Large enough that the copy into the store is under way when the kill comes.
            data.setLength(2L * 1024 * 1024 * 1024);
        }
        String first;
        ServeProcess serve = ServeProcess.start(stateDirectory, List.of(), "--no-samples");
        try {
            first = JSON.readTree(put(serve, "kept", userCopyOfHello("one")).body()).path("version").asText();
            CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return put(serve, "kept", large);
                } catch (Exception e) {
                    return null;
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> staging(stateDirectory.resolve("data/artifacts")));
            serve.kill();
            second.join();
        } finally {
            serve.kill();
        }

        try (ServeProcess restarted = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            assertThat(function(restarted, "kept").path("version").asText()).isEqualTo(first);
            assertThat(invoke(restarted, "kept").body()).isEqualTo("hello\n");
            assertThat(staging(stateDirectory.resolve("data/artifacts"))).as("the cut copy is removed").isFalse();
        }
    }

    private static boolean staging(Path artifacts) throws IOException {
        try (Stream<Path> entries = Files.list(artifacts)) {
            return entries.anyMatch(entry -> entry.getFileName().toString().startsWith(".staging-"));
        }
    }

    private static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
