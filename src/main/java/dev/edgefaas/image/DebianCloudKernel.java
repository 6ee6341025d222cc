package dev.edgefaas.image;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Debian's {@code linux-image-cloud-amd64} kernel, downloaded as a package and unpacked into the
 * cache, never installed: the host's own kernel and boot files are not touched.
 */
public final class DebianCloudKernel {
    private static final Logger LOG = Logger.getLogger(DebianCloudKernel.class.getName());
    private static final String META_PACKAGE = "linux-image-cloud-amd64";

    private final Path directory;

    DebianCloudKernel(Path directory) {
        this.directory = directory;
    }

    /** Downloads and unpacks the kernel package into the directory, replacing nothing that is there. */
    synchronized void fetch() {
        if (Files.isDirectory(directory.resolve("boot"))) {
            return;
        }
        LOG.info("fetching Debian's cloud kernel (" + META_PACKAGE + ") into " + directory);
        Path work = null;
        try {
            Files.createDirectories(directory.getParent());
            work = Files.createTempDirectory(directory.getParent(), ".debian-cloud-");
            String packageName = kernelPackageUpdatingOnce(work);
            run(work, List.of("apt-get", "download", packageName));
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(f -> f.toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new SandboxException("apt-get download " + packageName + " left no .deb"));
            }
            Path unpacked = work.resolve("root");
            run(work, List.of("dpkg-deb", "-x", deb.toString(), unpacked.toString()));
            Files.move(unpacked, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot fetch Debian's cloud kernel into " + directory + ": " + e.getMessage()
                    + " (is the disk full?)", e);
        } finally {
            if (work != null) {
                StateDirectory.deleteTree(work);
            }
        }
    }

    /** {@link #kernelPackage}, after one {@code apt-get update} if a fresh machine has no package lists yet. */
    private static String kernelPackageUpdatingOnce(Path work) throws IOException {
        try {
            return kernelPackage();
        } catch (SandboxException notKnownYet) {
            LOG.info("apt-cache does not know " + META_PACKAGE + " yet: running apt-get update");
            run(work, List.of("apt-get", "update", "-q"));
            return kernelPackage();
        }
    }

    /** The versioned package the meta-package depends on, e.g. {@code linux-image-6.1.0-56-cloud-amd64}. */
    private static String kernelPackage() throws IOException {
        String output = run(Path.of("/"), List.of("apt-cache", "depends", META_PACKAGE));
        return output.lines().map(String::trim)
                .filter(line -> line.startsWith("Depends: linux-image-"))
                .map(line -> line.substring("Depends: ".length()))
                .findFirst()
                .orElseThrow(() -> new SandboxException("apt-cache knows no " + META_PACKAGE
                        + ": run apt-get update, or give a kernel with EDGEFAAS_KERNEL"));
    }

    private static String run(Path directory, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new SandboxException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new SandboxException("interrupted while running " + String.join(" ", command));
        }
        return output;
    }
}
