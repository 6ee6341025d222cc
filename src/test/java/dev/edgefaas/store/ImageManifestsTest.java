package dev.edgefaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.image.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an image's configuration fills in a manifest, Kubernetes' way: the manifest's own keys win. */
class ImageManifestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ImageConfig CONFIG = new ImageConfig(List.of("/bin/server"), List.of("--verbose"),
            List.of("PATH=/usr/local/bin:/bin", "PORT=9", "EDGEFAAS_X=1", "MODE=image"), "/srv", "app", List.of(3000));

    @TempDir
    Path rootfs;

    private ObjectNode resolve(String given) throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/srv:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nweb:x:2000:\n");
        return ImageManifests.resolve((ObjectNode) JSON.readTree(given), CONFIG, rootfs);
    }

    @Test
    void theImagesConfigurationFillsWhatTheManifestLeavesOut() throws IOException {
        ObjectNode manifest = resolve("{\"image\": \"r/app:1\", \"env\": {\"MODE\": \"manifest\"}}");

        assertThat(manifest.has("image")).isFalse();
        assertThat(manifest.path("runtime").asText()).isEqualTo("image");
        assertThat(manifest.path("artifact").asText()).isEqualTo(rootfs.toString());
        assertThat(manifest.path("command").toString()).isEqualTo("[\"/bin/server\"]");
        assertThat(manifest.path("args").toString()).isEqualTo("[\"--verbose\"]");
        assertThat(manifest.path("env").toString())
                .isEqualTo("{\"PATH\":\"/usr/local/bin:/bin\",\"MODE\":\"manifest\"}");
        assertThat(manifest.path("port").asInt()).isEqualTo(3000);
        assertThat(manifest.path("readiness").asText()).isEqualTo("tcp");
        assertThat(manifest.path("workdir").asText()).isEqualTo("/srv");
        assertThat(manifest.path("user").asText()).as("app, looked up in the image's passwd").isEqualTo("1000:1001");
    }

    @Test
    void commandReplacesTheEntrypointAndDropsCmdWhileArgsReplaceOnlyCmd() throws IOException {
        ObjectNode own = resolve("{\"image\": \"r/app:1\", \"command\": [\"/bin/other\"]}");
        ObjectNode args = resolve("{\"image\": \"r/app:1\", \"args\": [\"--quiet\"]}");

        assertThat(own.path("command").toString()).isEqualTo("[\"/bin/other\"]");
        assertThat(own.path("args").toString()).isEqualTo("[]");
        assertThat(args.path("command").toString()).isEqualTo("[\"/bin/server\"]");
        assertThat(args.path("args").toString()).isEqualTo("[\"--quiet\"]");
    }

    @Test
    void usersAreNumbersOrNamesTheImageDefines() throws IOException {
        resolve("{}");

        assertThat(ImageManifests.numericUser("42", rootfs)).isEqualTo("42:42");
        assertThat(ImageManifests.numericUser("app:web", rootfs)).isEqualTo("1000:2000");
        assertThatThrownBy(() -> ImageManifests.numericUser("ghost", rootfs)).isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("user: the image runs as 'ghost'");
    }

    @Test
    void anImageWithNothingToRunNeedsACommand() throws IOException {
        ImageConfig empty = new ImageConfig(List.of(), List.of(), List.of(), "", "", List.of());
        Files.createDirectories(rootfs);

        assertThatThrownBy(() -> ImageManifests.resolve((ObjectNode) JSON.readTree("{\"image\": \"r/a:1\"}"), empty, rootfs))
                .hasMessageStartingWith("image: has neither Entrypoint nor Cmd");
    }
}
