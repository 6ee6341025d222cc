package dev.edgefaas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose state and data directories (instance records, outputs, logs, kept functions,
 * the asynchronous queue) are on a file system that fills up: warm instances keep serving, what
 * needs to write says so in its answer, and once there is room again everything works and a
 * restart finds everything as it was. A real tmpfs of a few MiB, filled by a file.
 */
class DiskFullTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Path mount;
    private Path filler;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createTempDirectory("edgefaas-full-");
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        assumeTrue(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0,
                "mounting a tmpfs needs root: " + new String(process.getInputStream().readAllBytes()));
        filler = mount.resolve("filler");
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        StateDirectory.deleteTree(mount);
    }

    private PlatformConfig config() {
        return PlatformConfig.ephemeral(mount.resolve("state"), "process").withDataDirectory(mount.resolve("data"));
    }

    private HttpResponse<String> get(Platform platform, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Platform platform, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString("body")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String manifest(String marker) {
        return "{\"runtime\": \"go\", \"artifact\": \"" + SampleFunctions.functionsDirectory().resolve("go/hello/function")
                + "\", \"env\": {\"MARKER\": \"" + marker + "\"}}";
    }

    /** Writes {@link #filler} until the file system refuses another byte. */
    private void fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size = chunk.length; size > 0; size /= 2) {
                try {
                    while (true) {
                        out.write(chunk, 0, size);
                        out.flush();
                    }
                } catch (IOException full) {
                    // This size no longer fits: try smaller ones, down to a byte.
                }
            }
        } catch (IOException closingAFullFile) {
            // The last buffered bytes had no room either: the file system is full, as wanted.
        }
        assertThatThrownBy(() -> Files.writeString(mount.resolve("probe"), "x".repeat(8192)))
                .as("the file system is full").isInstanceOf(IOException.class);
    }

    @Test
    void aFullDiskStopsOnlyWhatMustWriteSaysSoAndCorruptsNothing() throws Exception {
        try (Platform platform = Platform.start(config())) {
            platform.deploy("warm", manifest("warm"), Path.of(""));
            platform.deploy("cold", manifest("cold"), Path.of(""));
            assertThat(get(platform, "/function/warm/").statusCode()).isEqualTo(200);

            fill();

            for (int i = 0; i < 20; i++) {
                assertThat(get(platform, "/function/warm/").statusCode()).as("a warm instance needs no disk").isEqualTo(200);
            }
            HttpResponse<String> cold = get(platform, "/function/cold/");
            assertThat(cold.statusCode()).as(cold.body()).isEqualTo(503);
            assertThat(cold.body()).containsIgnoringCase("no space left");
            HttpResponse<String> async = post(platform, "/async-function/warm/");
            assertThat(async.statusCode()).as(async.body()).isEqualTo(503);
            assertThat(async.body()).contains("cannot keep").containsIgnoringCase("no space left");
            assertThatThrownBy(() -> platform.deploy("third", manifest("third"), Path.of("")))
                    .hasMessageContaining("No space left");
            assertThat(platform.dispatcher().functions()).extracting(m -> m.name().value()).containsExactly("cold", "warm");

            Files.delete(filler);

            assertThat(get(platform, "/function/cold/").statusCode()).as("room again: it starts").isEqualTo(200);
        }
        try (Platform restarted = Platform.start(config())) {
            assertThat(restarted.restored().failed()).isEmpty();
            assertThat(restarted.dispatcher().functions()).extracting(m -> m.name().value()).containsExactly("cold", "warm");
            assertThat(get(restarted, "/function/warm/").statusCode()).isEqualTo(200);
            assertThat(get(restarted, "/function/cold/").statusCode()).isEqualTo(200);
            assertThat(restarted.dispatcher().log("warm").orElseThrow().tail(100, java.util.Optional.empty())).isNotEmpty();
        }
    }
}
