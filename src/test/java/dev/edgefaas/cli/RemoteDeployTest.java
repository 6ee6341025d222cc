package dev.edgefaas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.gateway.GatewayServer;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.testing.ServeProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Deploying from a machine that sees the node only through the network: {@code edgefaas deploy
 * --admin URL --token T} sends the artifact along; the management API wants its token, keeps
 * uploads within the limit and serves TLS when given a certificate. A real serve, a real CLI.
 */
class RemoteDeployTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path stateDirectory = temporaryDirectory("edgefaas-remote-");
    private final Path laptop = temporaryDirectory("edgefaas-laptop-");

    @AfterEach
    void removeState() {
        Platform.start(PlatformConfig.ephemeral(stateDirectory, "process")).close();
        StateDirectory.deleteTree(stateDirectory);
        StateDirectory.deleteTree(laptop);
    }

    /** A manifest and the directory it names, as on the user's own machine. */
    private Path laptopProject() throws IOException {
        Path app = Files.createDirectories(laptop.resolve("hello"));
        Files.copy(SampleFunctions.functionsDirectory().resolve("go/hello/function"), app.resolve("function"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(app.resolve("static"));
        Files.writeString(app.resolve("static/readme.txt"), "a file beside the binary\n");
        Path manifest = laptop.resolve("hello.json");
        Files.writeString(manifest, "{\"runtime\": \"go\", \"artifact\": \"hello\"}");
        return manifest;
    }

    private static int cli(String... arguments) {
        return Main.commandLine().execute(arguments);
    }

    @Test
    void aDirectoryDeployedWithAdminAndTokenServesAfterTheLocalCopyIsGone() throws Exception {
        try (ServeProcess node = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            Path manifest = laptopProject();

            int exit = cli("deploy", manifest.toString(), "--admin", node.admin("/").toString(), "--token", node.token());
            StateDirectory.deleteTree(laptop.resolve("hello"));

            assertThat(exit).isZero();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(node.gateway("/function/hello/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).isEqualTo("hello\n");
            JsonNode function = JSON.readTree(http.send(node.adminRequest("/api/functions/hello").build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String artifact = function.path("artifact").asText();
            assertThat(function.path("source").asText()).as("an upload from the laptop").startsWith("upload sha256:");
            assertThat(Path.of(artifact).resolve("static/readme.txt")).hasContent("a file beside the binary");
        }
    }

    @Test
    void withoutTheRightTokenTheApiAnswers401AndNothingChanges() throws Exception {
        try (ServeProcess node = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            String manifest = "{\"runtime\": \"go\", \"artifact\": \""
                    + SampleFunctions.functionsDirectory().resolve("go/hello") + "\"}";
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(node.admin("/api/functions/sneaky"))
                    .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(node.admin("/api/functions/sneaky"))
                    .header("Authorization", "Bearer " + "0".repeat(64))
                    .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(node.admin("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(List.of(none.statusCode(), wrong.statusCode(), metrics.statusCode())).containsOnly(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"edgefaas\"");
            assertThat(none.body()).contains("admin-token");
            assertThat(http.send(node.adminRequest("/api/functions").build(), HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("[]");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDirectory.resolve("data/admin-token"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void anUploadOverTheLimitGets413AndLeavesNothing() throws Exception {
        try (ServeProcess node = ServeProcess.start(stateDirectory, List.of(), "--no-samples", "--max-upload-mib", "1")) {
            HttpResponse<String> response = http.send(node.adminRequest("/api/artifacts?name=big")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[3 * 1024 * 1024])).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("--max-upload-mib");
            assertThat(entries(stateDirectory.resolve("data/uploads"))).isZero();
            assertThat(entries(stateDirectory.resolve("data/artifacts"))).isZero();
        }
    }

    @Test
    void anArchiveWithAnEntryOutsideItsDirectoryIsRefused() throws Exception {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(archive)) {
            TarArchiveEntry entry = new TarArchiveEntry("../../etc/cron.d/evil");
            byte[] content = "* * * * * root true\n".getBytes();
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        try (ServeProcess node = ServeProcess.start(stateDirectory, List.of(), "--no-samples")) {
            HttpResponse<String> response = http.send(node.adminRequest("/api/artifacts?name=app")
                    .header("Content-Type", "application/x-tar")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(archive.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("would land outside");
            assertThat(entries(stateDirectory.resolve("data/artifacts"))).isZero();
        }
    }

    @Test
    void theManagementApiServesTlsFromAPemCertificateAndKey() throws Exception {
        Path certificate = laptop.resolve("cert.pem");
        Path key = laptop.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                "-out", certificate.toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        Assumptions.assumeTrue(openssl.waitFor() == 0, "openssl cannot make a test certificate here");

        try (ServeProcess node = ServeProcess.start(stateDirectory, List.of(), "--no-samples",
                "--admin-tls-cert", certificate.toString(), "--admin-tls-key", key.toString())) {
            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(certificate)).build();
            HttpResponse<String> response = tls.send(HttpRequest.newBuilder(
                            URI.create(node.admin("/api/functions").toString().replace("http:", "https:")))
                    .header("Authorization", "Bearer " + node.token()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(node.output()).contains("manage at https://");
        }
    }

    @Test
    void aPlatformWithoutATokenRefusesToListenBeyondLoopback() {
        PlatformConfig loopback = PlatformConfig.ephemeral(stateDirectory, "process");
        PlatformConfig everywhere = new PlatformConfig(new GatewayServer.Listeners("127.0.0.1", 0,
                "0.0.0.0", 0, PlatformConfig.CALLBACK_HOST, 0), stateDirectory, "process", loopback.shutdownGrace(),
                loopback.networkPool(), 0, loopback.trustedProxies(), Optional.empty(), loopback.adminAccess(),
                loopback.limits(), loopback.busyPoll());

        assertThatThrownBy(() -> Platform.start(everywhere).close())
                .hasMessageContaining("--admin-host 0.0.0.0").hasMessageContaining("--data-dir");
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static long entries(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.count();
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
