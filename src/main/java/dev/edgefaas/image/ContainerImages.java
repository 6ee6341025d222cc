package dev.edgefaas.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.host.Executables;
import dev.edgefaas.host.OutputTail;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Container images from OCI/Docker v2 registries, by Debian's {@code skopeo} (the registry
 * protocol: anonymous, basic and bearer-token auth, manifest lists resolved to linux/amd64,
 * every blob checked against its digest) and {@code umoci} (the layers unpacked in order, with
 * whiteouts and hard links) rather than a client of our own. A registry on loopback is spoken to
 * over plain HTTP, every other one over verified TLS.
 */
public final class ContainerImages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A reference as {@code docker://} takes it: [host[:port]/]path[:tag][@sha256:digest]. */
    private static final Pattern REFERENCE = Pattern.compile(
            "[a-z0-9][a-z0-9.-]*(:[0-9]+)?(/[a-z0-9._-]+)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[0-9a-f]{64})?");
    private static final String TAG = "edgefaas";
    private static final long PULL_TIMEOUT_MINUTES = 30;

    /**
     * A pulled and unpacked image: its manifest's digest, and {@code image/} with {@code rootfs/}
     * (the unpacked layers) and {@code config.json} (the image's configuration blob), which
     * {@link #configIn} reads back.
     */
    public record Pulled(String manifestDigest, Path image, ImageConfig config) {
        public Path rootfs() {
            return image.resolve("rootfs");
        }
    }

    private ContainerImages() {
    }

    /** Why {@code reference} is not an image reference, or empty. */
    public static Optional<String> problemWith(String reference) {
        if (!REFERENCE.matcher(reference).matches() || reference.length() > 512) {
            return Optional.of("'" + reference + "' is not an image reference such as registry.example:5000/team/app:1.2"
                    + " or .../app@sha256:DIGEST (lower-case host and path)");
        }
        return Optional.empty();
    }

    /**
     * Pulls {@code reference} into {@code directory} ({@code layout/}, the OCI layout skopeo wrote,
     * and {@code image/}).
     *
     * @param authFile credentials in the containers' auth.json format ({@code skopeo login --authfile}); empty: anonymous
     * @throws ImageException if a tool is missing, the pull fails (a blob that does not match its digest, say) or
     *                        the image is not for linux/amd64, with the tool's own words
     */
    public static Pulled pull(String reference, Optional<Path> authFile, Path directory) {
        problemWith(reference).ifPresent(problem -> {
            throw new ImageException("image: " + problem);
        });
        List<String> options = new ArrayList<>();
        authFile.ifPresent(file -> options.addAll(List.of("--authfile", file.toString())));
        if (onLoopback(reference)) {
            options.add("--src-tls-verify=false");
        }
        return copyAndUnpack("docker://" + reference, options, directory, "pulling " + reference);
    }

    /**
     * Reads an image archive, as {@code docker save} ({@code docker-archive}) or an OCI layout in
     * a tar ({@code oci-archive}) writes it, into {@code directory} as {@link #pull} does.
     */
    public static Pulled importArchive(Path archive, boolean ociLayout, Path directory) {
        return copyAndUnpack((ociLayout ? "oci-archive:" : "docker-archive:") + archive, List.of(), directory,
                "reading the uploaded image archive");
    }

    /** The configuration of an image that {@link #pull} or {@link #importArchive} left in {@code image}. */
    public static ImageConfig configIn(Path image) {
        try {
            return ImageConfig.of(JSON.readTree(image.resolve("config.json").toFile()));
        } catch (IOException e) {
            throw new ImageException("image: its configuration " + image.resolve("config.json") + " cannot be read: "
                    + e.getMessage());
        }
    }

    private static Pulled copyAndUnpack(String source, List<String> options, Path directory, String what) {
        String skopeo = tool("skopeo");
        String umoci = tool("umoci");
        Path layout = directory.resolve("layout");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ImageException("image: " + what + ": cannot make " + directory + ": " + e.getMessage());
        }
        List<String> copy = new ArrayList<>(List.of(skopeo, "copy", "--quiet", "--override-os", "linux",
                "--override-arch", "amd64"));
        copy.addAll(options);
        copy.addAll(List.of(source, "oci:" + layout + ":" + TAG));
        run(copy, directory.resolve("pull.log"), what);
        try {
            JsonNode manifestDescriptor = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").path(0);
            String manifestDigest = manifestDescriptor.path("digest").asText();
            JsonNode manifest = JSON.readTree(blob(layout, manifestDigest).toFile());
            Path image = Files.createDirectories(directory.resolve("image"));
            Files.copy(blob(layout, manifest.path("config").path("digest").asText()), image.resolve("config.json"));
            run(List.of(umoci, "raw", "unpack", "--image", layout + ":" + TAG, image.resolve("rootfs").toString()),
                    directory.resolve("unpack.log"), what + " (unpacking its layers)");
            return new Pulled(manifestDigest.substring("sha256:".length()), image, configIn(image));
        } catch (IOException e) {
            throw new ImageException("image: " + what + ": the layout skopeo wrote cannot be read: " + e.getMessage());
        }
    }

    private static Path blob(Path layout, String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new ImageException("image: the layout names the blob '" + digest + "', which is no sha256 digest");
        }
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static boolean onLoopback(String reference) {
        String host = reference.split("/", 2)[0].split(":", 2)[0];
        if (!reference.contains("/")) {
            return false;
        }
        try {
            return host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String tool(String name) {
        return Executables.find(name).orElseThrow(() -> new ImageException("image: " + name + " is not installed, and"
                + " container images need it: apt-get install -y skopeo umoci")).toString();
    }

    private static void run(List<String> command, Path log, String what) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(new File("/dev/null")).start();
            if (!process.waitFor(PULL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ImageException("image: " + what + " took over " + PULL_TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new ImageException("image: " + what + " failed: " + String.join(" / ", OutputTail.lastLines(log, 5)));
            }
        } catch (IOException e) {
            throw new ImageException("image: " + what + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("image: " + what + " was interrupted");
        }
    }

    /** An image could not be had; the message names the field ({@code image}), what was seen and what to do. */
    public static final class ImageException extends RuntimeException {
        ImageException(String message) {
            super(message);
        }
    }
}
