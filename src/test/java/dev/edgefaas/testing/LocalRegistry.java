package dev.edgefaas.testing;

import dev.edgefaas.host.Executables;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code docker-registry} (distribution) on a loopback port with a temporary storage
 * directory, optionally behind htpasswd basic auth; images are pushed to it with {@code skopeo}.
 * Skipped, with the reason, where the tools are not installed.
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final Path directory;
    private final int port;
    private final Optional<String> credentials;

    private LocalRegistry(Process process, Path directory, int port, Optional<String> credentials) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.credentials = credentials;
    }

    /** Starts a registry; {@code user}/{@code password} non-null puts it behind basic auth. */
    public static LocalRegistry start(String user, String password) {
        for (String tool : user == null ? List.of("docker-registry", "skopeo", "umoci")
                : List.of("docker-registry", "skopeo", "umoci", "htpasswd")) {
            Assumptions.assumeTrue(Executables.find(tool).isPresent(),
                    () -> tool + " is not installed: scripts/setup --for-tests installs it");
        }
        try {
            Path directory = Files.createTempDirectory("edgefaas-registry-");
            int port = LoopbackPorts.free();
            StringBuilder config = new StringBuilder("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                    + "    rootdirectory: " + directory.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
            if (user != null) {
                run(List.of("htpasswd", "-Bbc", directory.resolve("htpasswd").toString(), user, password));
                config.append("auth:\n  htpasswd:\n    realm: edgefaas-test\n    path: ").append(directory.resolve("htpasswd"))
                        .append('\n');
            }
            Files.writeString(directory.resolve("config.yml"), config);
            Process process = new ProcessBuilder("docker-registry", "serve", directory.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("registry.log").toFile()).start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> accepts(port) || !process.isAlive());
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(directory.resolve("registry.log")));
            }
            return new LocalRegistry(process, directory, port, user == null ? Optional.empty() : Optional.of(user + ":" + password));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the host part of references to this registry. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /**
     * Pushes the OCI layout at {@code layout} (tag {@code tag}) as {@code repository:tag}, a
     * manifest list with every image it lists; returns the reference.
     */
    public String push(Path layout, String tag, String repository) {
        String reference = host() + "/" + repository + ":" + tag;
        List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false"));
        credentials.ifPresent(creds -> command.addAll(List.of("--dest-creds", creds)));
        command.addAll(List.of("oci:" + layout + ":" + tag, "docker://" + reference));
        run(command);
        return reference;
    }

    /** The file the registry keeps blob {@code digest} (hex) in. */
    public Path blob(String digest) {
        return directory.resolve("storage/docker/registry/v2/blobs/sha256").resolve(digest.substring(0, 2)).resolve(digest)
                .resolve("data");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StateDirectory.deleteTree(directory);
    }
}
