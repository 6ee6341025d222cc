package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.store.FunctionDeployer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploys (or replaces) a function from a JSON manifest file. The artifact the manifest names is",
            "sent along (a directory as a tar.gz), so the node may be another machine (--admin, --token)."})
final class DeployCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The manifest; a relative artifact path is relative to the file.")
    Path file;
    @Option(names = "--name", description = "Function name (default: the manifest's name, else the file name).")
    String name;
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() throws Exception {
        JsonNode manifest = AdminClient.JSON.readTree(Files.readString(file));
        if (!(manifest instanceof ObjectNode object)) {
            System.err.println(file + " is not a JSON object manifest");
            return 2;
        }
        String functionName = name != null ? name
                : object.has("name") ? object.get("name").asText()
                : file.getFileName().toString().replaceAll("\\.json$", "");
        if (name != null) {
            object.remove("name");
        }
        AdminClient client = admin.client();
        if (object.has("artifact") && !object.get("artifact").asText().startsWith("sha256:")) {
            Path artifact = file.toAbsolutePath().getParent().resolve(object.get("artifact").asText()).normalize();
            if (!Files.exists(artifact)) {
                System.err.println("artifact: " + artifact + " does not exist here; build it first");
                return 2;
            }
            try {
                object.put("artifact", upload(client, artifact));
            } catch (AdminClient.Refused e) {
                if (e.status() != FunctionDeployer.NO_STORE_STATUS) {
                    throw e;
                }
                // A node that keeps nothing (a test's, a benchmark's) is this host: it reads the file where it is.
                object.put("artifact", artifact.toString());
            }
        }
        if (object.has("image")) {
            Path archive = file.toAbsolutePath().getParent().resolve(object.get("image").asText()).normalize();
            if (Files.isRegularFile(archive)) {
                // A local image archive (docker save, an OCI layout as a tar) rather than a registry reference.
                System.err.printf("uploading the image archive %s (%.1f MiB)%n", archive, Files.size(archive) / (1024.0 * 1024));
                object.put("image", client.send("POST", "api/images", HttpRequest.BodyPublishers.ofFile(archive),
                        "application/x-tar", Duration.ofMinutes(30)).path("image").asText());
            }
        }
        JsonNode deployed = client.send("PUT", "api/functions/" + functionName, object.toString());
        System.out.println("deployed " + functionName + " version " + deployed.path("version").asText() + " ("
                + deployed.path("runtime").asText() + " on " + deployed.path("sandbox").asText() + ")");
        return 0;
    }

    /** Sends the local artifact to the node (a directory as a tar.gz); returns how the manifest names it there. */
    private static String upload(AdminClient client, Path artifact) throws IOException {
        Path archive = null;
        try {
            String query;
            String contentType;
            Path body;
            if (Files.isDirectory(artifact)) {
                archive = Files.createTempFile("edgefaas-upload-", ".tar.gz");
                ArtifactPacker.tarGz(artifact, archive);
                body = archive;
                contentType = "application/gzip";
                query = "?name=" + URLEncoder.encode(artifact.getFileName().toString(), StandardCharsets.UTF_8);
            } else {
                body = artifact;
                contentType = "application/octet-stream";
                query = "?name=" + URLEncoder.encode(artifact.getFileName().toString(), StandardCharsets.UTF_8)
                        + "&executable=" + Files.isExecutable(artifact);
            }
            System.err.printf("uploading %s (%.1f MiB)%n", artifact, Files.size(body) / (1024.0 * 1024));
            JsonNode uploaded = client.send("POST", "api/artifacts" + query, HttpRequest.BodyPublishers.ofFile(body),
                    contentType, Duration.ofMinutes(30));
            return uploaded.path("artifact").asText();
        } finally {
            if (archive != null) {
                Files.deleteIfExists(archive);
            }
        }
    }
}
