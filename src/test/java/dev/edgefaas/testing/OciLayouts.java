package dev.edgefaas.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * OCI image layouts written by the tests themselves, the way a build tool writes them: hello-go
 * as a two-layer image whose second layer deletes a file (a whiteout) and adds a hard link.
 */
public final class OciLayouts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A built image: where its layout is, and the digests (hex) of its manifest and layers. */
    public record Layout(Path directory, String tag, String manifestDigest, List<String> layerDigests) {
    }

    private OciLayouts() {
    }

    /**
     * hello-go at {@code /app/function}, Entrypoint it, port 8080 exposed, WorkingDir {@code /app},
     * an Env of its own; layer 1 also has {@code /app/removed.txt}, which layer 2 whites out, and
     * layer 2 adds {@code /app/linked}, a hard link to the function.
     */
    public static Layout helloGo(Path directory, String tag) {
        return withProgram(directory, tag, Fixtures.goSample("hello"));
    }

    /** {@link #helloGo} with its position-independent build at {@code /app/function}, as OSv runs it. */
    public static Layout helloGoPie(Path directory, String tag) {
        return withProgram(directory, tag, Fixtures.goSample("hello").resolveSibling("function.pie"));
    }

    private static Layout withProgram(Path directory, String tag, Path program) {
        try {
            Image image = image(directory, Files.readAllBytes(program), "amd64");
            writeIndex(directory, tag, image.descriptor());
            return new Layout(directory, tag, image.manifestDigest(), image.layerDigests());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * hello-go as the linux/amd64 image of a manifest list whose other entry, linux/arm64, has
     * a program that only prints "wrong platform"; the layout's manifest digest is amd64's.
     */
    public static Layout multiPlatform(Path directory, String tag) {
        try {
            Image arm = image(directory, "#!/bin/sh\necho wrong platform\n".getBytes(), "arm64");
            Image amd = image(directory, Files.readAllBytes(Fixtures.goSample("hello")), "amd64");
            ObjectNode list = JSON.createObjectNode().put("schemaVersion", 2)
                    .put("mediaType", "application/vnd.oci.image.index.v1+json");
            list.putArray("manifests").add(onPlatform(arm.descriptor(), "arm64")).add(onPlatform(amd.descriptor(), "amd64"));
            byte[] listBytes = JSON.writeValueAsBytes(list);
            writeIndex(directory, tag, descriptor("application/vnd.oci.image.index.v1+json", blob(directory, listBytes),
                    listBytes.length));
            return new Layout(directory, tag, amd.manifestDigest(), amd.layerDigests());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Image(ObjectNode descriptor, String manifestDigest, List<String> layerDigests) {
    }

    /** Writes the blobs of one image with {@code function} as its program and returns its manifest's descriptor. */
    private static Image image(Path directory, byte[] function, String architecture) throws IOException {
        byte[] first = tarGz(List.of(new Entry("app/", null, null), new Entry("app/function", function, null),
                new Entry("app/removed.txt", "gone in layer 2\n".getBytes(), null)));
        byte[] second = tarGz(List.of(new Entry("app/.wh.removed.txt", new byte[0], null),
                new Entry("app/linked", null, "app/function")));
        Files.createDirectories(directory.resolve("blobs/sha256"));
        String firstDigest = blob(directory, first);
        String secondDigest = blob(directory, second);
        ObjectNode config = JSON.createObjectNode().put("architecture", architecture).put("os", "linux");
        ObjectNode runConfig = config.putObject("config");
        runConfig.putArray("Entrypoint").add("/app/function");
        runConfig.putArray("Env").add("PATH=/usr/bin:/bin").add("GREETING=from-the-image").add("PORT=1");
        runConfig.putObject("ExposedPorts").putObject("8080/tcp");
        runConfig.put("WorkingDir", "/app");
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        rootfs.putArray("diff_ids").add("sha256:" + sha256(gunzip(first))).add("sha256:" + sha256(gunzip(second)));
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configDigest = blob(directory, configBytes);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest, configBytes.length));
        manifest.putArray("layers")
                .add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", firstDigest, first.length))
                .add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", secondDigest, second.length));
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = blob(directory, manifestBytes);
        return new Image(descriptor("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifestBytes.length),
                manifestDigest, List.of(firstDigest, secondDigest));
    }

    private static ObjectNode onPlatform(ObjectNode descriptor, String architecture) {
        ObjectNode entry = descriptor.deepCopy();
        entry.putObject("platform").put("architecture", architecture).put("os", "linux");
        return entry;
    }

    /** The layout's index.json: {@code descriptor} under {@code tag}. */
    private static void writeIndex(Path directory, String tag, ObjectNode descriptor) throws IOException {
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        ObjectNode entry = descriptor.deepCopy();
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        index.putArray("manifests").add(entry);
        Files.write(directory.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(directory.resolve("oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}");
    }

    private record Entry(String name, byte[] content, String hardLinkTo) {
    }

    private static byte[] tarGz(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Entry entry : entries) {
                TarArchiveEntry header;
                if (entry.hardLinkTo() != null) {
                    header = new TarArchiveEntry(entry.name(), TarConstants.LF_LINK);
                    header.setLinkName(entry.hardLinkTo());
                } else {
                    header = new TarArchiveEntry(entry.name());
                    header.setMode(entry.name().endsWith("/") ? 040755 : entry.name().endsWith("function") ? 0100755 : 0100644);
                    if (entry.content() != null) {
                        header.setSize(entry.content().length);
                    }
                }
                header.setModTime(0);
                tar.putArchiveEntry(header);
                if (entry.content() != null) {
                    tar.write(entry.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static String blob(Path layout, byte[] content) throws IOException {
        String digest = sha256(content);
        Files.write(layout.resolve("blobs/sha256").resolve(digest), content);
        return digest;
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", "sha256:" + digest).put("size", size);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
