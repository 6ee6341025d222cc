package dev.edgefaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.host.Executables;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.testing.LocalRegistry;
import dev.edgefaas.testing.OciLayouts;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Container images as functions, from a real registry on loopback (Debian's docker-registry)
 * that the test pushes an OCI layout of its own to with skopeo: pulled, unpacked (whiteouts,
 * hard links), run with the image's configuration, on every sandbox that runs images here.
 */
class ContainerImageTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path scratch = temporaryDirectory();
    private Platform platform;

    @AfterEach
    void close() {
        if (platform != null) {
            platform.close();
        }
        StateDirectory.deleteTree(scratch);
    }

    private Platform platform(String sandbox) {
        Availability availability = SandboxCatalog.probeOnly().get(sandbox).probe();
        Assumptions.assumeTrue(availability.usable(), () -> sandbox + " cannot run here: " + availability.summary());
        platform = Platform.start(PlatformConfig.ephemeral(scratch.resolve("state"), sandbox)
                .withDataDirectory(scratch.resolve("data")));
        return platform;
    }

    private HttpResponse<String> invoke(String name, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port() + "/function/" + name + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "qemu-microvm", "nanos", "osv"})
    void anImageIsPulledUnpackedAndRunWithItsOwnConfiguration(String sandbox) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(null, null)) {
            // OSv runs a dynamically linked PIE only; the others the static binary.
            OciLayouts.Layout layout = sandbox.equals("osv") ? OciLayouts.helloGoPie(scratch.resolve("layout"), "1")
                    : OciLayouts.helloGo(scratch.resolve("layout"), "1");
            String reference = registry.push(layout.directory(), "1", "team/hello");
            platform(sandbox);

            FunctionManifest manifest = platform.deploy("hello", "{\"image\": \"" + reference + "\"}", scratch);

            HttpResponse<String> answer = invoke("hello", "/");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello\n");
            assertThat(manifest.runtime().key()).isEqualTo("image");
            assertThat(platform.deployer().source("hello")).as("where it came from, as the dashboard shows it")
                    .hasValue("image " + reference);
            assertThat(manifest.launch().command()).containsExactly("/app/function");
            assertThat(manifest.launch().port()).as("the one exposed port").isEqualTo(8080);
            assertThat(manifest.launch().workdir()).isEqualTo("/app");
            assertThat(manifest.env()).containsEntry("GREETING", "from-the-image").doesNotContainKey("PORT");
            Path rootfs = manifest.artifact();
            assertThat(rootfs.getParent().getParent().getFileName().toString()).as("filed under the manifest's digest")
                    .isEqualTo(layout.manifestDigest());
            assertThat(rootfs.resolve("app/removed.txt")).as("whited out by layer 2").doesNotExist();
            assertThat(Files.isSameFile(rootfs.resolve("app/linked"), rootfs.resolve("app/function"))).as("a hard link").isTrue();
        }
    }

    @Test
    void aManifestListIsResolvedToItsLinuxAmd64Image() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(null, null)) {
            OciLayouts.Layout layout = OciLayouts.multiPlatform(scratch.resolve("layout"), "multi");
            String reference = registry.push(layout.directory(), "multi", "team/multi");
            platform("runc");

            FunctionManifest manifest = platform.deploy("multi", "{\"image\": \"" + reference + "\"}", scratch);

            assertThat(invoke("multi", "/").body()).isEqualTo("hello\n");
            assertThat(manifest.artifact().getParent().getParent().getFileName().toString())
                    .as("the amd64 image's manifest digest").isEqualTo(layout.manifestDigest());
        }
    }

    @Test
    void anImageArchiveUploadedToTheNodeIsDeployedByItsDigest() throws Exception {
        OciLayouts.Layout layout = OciLayouts.helloGo(scratch.resolve("layout"), "1");
        Path ociArchive = scratch.resolve("hello-oci.tar");
        Path dockerArchive = scratch.resolve("hello-docker.tar");
        run("tar", "-C", layout.directory().toString(), "-cf", ociArchive.toString(), ".");
        run("skopeo", "copy", "--quiet", "oci:" + layout.directory() + ":1", "docker-archive:" + dockerArchive + ":hello:1");
        platform("runc");

        for (Path archive : List.of(ociArchive, dockerArchive)) {
            FunctionDeployer.Uploaded uploaded;
            try (InputStream body = Files.newInputStream(archive)) {
                uploaded = platform.deployer().uploadImage(body, Long.MAX_VALUE);
            }
            String name = archive.equals(ociArchive) ? "from-oci" : "from-docker";
            platform.deploy(name, "{\"image\": \"" + uploaded.reference() + "\"}", scratch);

            assertThat(uploaded.reference()).startsWith("sha256:");
            assertThat(invoke(name, "/").body()).as(archive.toString()).isEqualTo("hello\n");
        }
        // Scaled in place (the dashboard's Scale): the image's own launch settings stay.
        platform.deployer().scale("from-oci", OptionalInt.empty(), OptionalInt.of(2));
        assertThat(platform.dispatcher().function("from-oci").orElseThrow().maxInstances()).isEqualTo(2);
        assertThat(invoke("from-oci", "/").body()).isEqualTo("hello\n");
        assertThat(platform.deployer().source("from-oci").orElseThrow()).startsWith("image sha256:");
    }

    private static void run(String... command) throws Exception {
        Assumptions.assumeTrue(Executables.find(command[0]).isPresent(), command[0] + " is not installed");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    @Test
    void aBlobThatDoesNotMatchItsDigestIsRefusedNamingTheDigest() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(null, null)) {
            OciLayouts.Layout layout = OciLayouts.helloGo(scratch.resolve("layout"), "1");
            String reference = registry.push(layout.directory(), "1", "team/hello");
            String layer = layout.layerDigests().getFirst();
            try (RandomAccessFile blob = new RandomAccessFile(registry.blob(layer).toFile(), "rw")) {
                blob.seek(blob.length() / 2);
                blob.write(~blob.read());
            }
            platform("runc");

            assertThatThrownBy(() -> platform.deploy("tampered", "{\"image\": \"" + reference + "\"}", scratch))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageStartingWith("image: ")
                    .hasMessageContaining(layer);
            assertThat(platform.dispatcher().function("tampered")).isEmpty();
        }
    }

    @Test
    void aPrivateRegistryIsReachedWithTheCredentialsInTheDataDirectory() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start("edge", "s3cret")) {
            OciLayouts.Layout layout = OciLayouts.helloGo(scratch.resolve("layout"), "1");
            String reference = registry.push(layout.directory(), "1", "private/hello");
            platform("runc");

            assertThatThrownBy(() -> platform.deploy("anonymous", "{\"image\": \"" + reference + "\"}", scratch))
                    .hasMessageStartingWith("image: ").hasMessageContaining("unauthorized");

            String auth = Base64.getEncoder().encodeToString("edge:s3cret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(scratch.resolve("data").resolve(FunctionStore.REGISTRY_AUTH_FILE),
                    "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \"" + auth + "\"}}}");
            platform.deploy("authorized", "{\"image\": \"" + reference + "\"}", scratch);

            assertThat(invoke("authorized", "/").body()).isEqualTo("hello\n");
        }
    }

    @Test
    void nanosRefusesAnEntryPointThatIsNoElfBinarySayingWhy() throws Exception {
        platform("nanos");
        Path app = Files.createDirectories(scratch.resolve("script"));
        Files.writeString(app.resolve("index.js"), "require('http').createServer((q, s) => s.end('hi')).listen(8080);\n");

        assertThatThrownBy(() -> platform.deploy("script", "{\"runtime\": \"node\", \"artifact\": \"" + app
                + "\", \"command\": [\"node\", \"index.js\"]}", scratch))
                .hasMessageStartingWith("command: Nanos runs an ELF binary given by its absolute path, and node is not one");
    }

    @Test
    void osvRefusesAStaticallyLinkedEntryPointSayingWhy() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(null, null)) {
            String reference = registry.push(OciLayouts.helloGo(scratch.resolve("layout"), "1").directory(), "1", "hello");
            platform("osv");

            assertThatThrownBy(() -> platform.deploy("static", "{\"image\": \"" + reference + "\"}", scratch))
                    .hasMessageStartingWith("command: /app/function is statically linked, and OSv runs only dynamically"
                            + " linked position-independent executables");
            assertThat(platform.dispatcher().function("static")).isEmpty();
        }
    }

    @Test
    void aSandboxThatRunsNoImagesRefusesOneSayingWhere() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(null, null)) {
            String reference = registry.push(OciLayouts.helloGo(scratch.resolve("layout"), "1").directory(), "1", "hello");
            platform("process");

            assertThatThrownBy(() -> platform.deploy("hello", "{\"image\": \"" + reference + "\"}", scratch))
                    .hasMessageContaining("runtime: process runs").hasMessageContaining("runc, crun");
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("edgefaas-image-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
