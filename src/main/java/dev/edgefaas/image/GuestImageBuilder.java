package dev.edgefaas.image;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.image.ArtifactCache;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.image.Sha256;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.SandboxException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds a function version's microVM artifacts from the same root file system as its OCI
 * bundle: an ext4 image of that tree ({@code mke2fs -d}) and a small initramfs with the guest
 * init, the function's command and environment, and the kernel modules it must load. Nothing
 * per instance is baked in: addresses and the callback URL come on the kernel command line.
 *
 * <p>Reproducible: fixed UUID, hash seed and time for {@code mke2fs}, and a cpio written in a
 * fixed order with fixed metadata, so the same inputs give the same bytes.
 */
public final class GuestImageBuilder {
    /** The guest's first virtio-mmio disk. */
    static final String ROOT_DEVICE = "/dev/vda";
    /** Part of every digest: a change to how images are made is a new image. */
    private static final String LAYOUT_VERSION = "edgefaas-guest-2";
    private static final long MIB = 1024 * 1024;

    private final ArtifactCache cache;

    GuestImageBuilder(Path cacheDirectory) {
        this.cache = new ArtifactCache(cacheDirectory, "microVM image");
    }

    GuestImage build(FunctionManifest manifest, RootfsBuilder.Rootfs rootfs, GuestKernel kernel, Path init) {
        List<String> environment = environment(manifest);
        // Placeholders ({callback}, {port}, {host}) stay: the guest's init fills them in per instance.
        List<String> command = manifest.launch().argv(rootfs.args());
        String workdir = manifest.launch().workdirOr(RootfsBuilder.APP, "/tmp");
        String digest = digest(rootfs, command, workdir, kernel, init, environment);
        Path target = cache.getOrBuild(manifest.name().value(), digest, "rootfs.ext4", staging -> {
            writeInitramfs(staging.resolve("initramfs.cpio"), command, workdir, environment, kernel, init);
            writeRootDisk(staging.resolve("rootfs.ext4"), rootfs.path(), digest);
        });
        return new GuestImage(target.resolve("initramfs.cpio"), target.resolve("rootfs.ext4"), digest);
    }

    /** The function's own environment; the instance's part (port, callback) comes at boot. */
    public static List<String> environment(FunctionManifest manifest) {
        List<String> env = new ArrayList<>();
        InstanceEnvironment.ofVersion(manifest, "0.0.0.0", "/tmp").forEach((key, value) -> {
            if (value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                throw new SandboxException("env." + key + ": a microVM's environment cannot hold a newline or NUL;"
                        + " encode the value (base64, say)");
            }
            env.add(key + "=" + value);
        });
        return env;
    }

    private static void writeInitramfs(Path file, List<String> command, String workdir, List<String> environment,
                                       GuestKernel kernel, Path init) throws IOException {
        try (CpioWriter cpio = new CpioWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (String directory : List.of("dev", "proc", "sys", "tmp", "rootfs", "etc", "etc/edgefaas", "lib",
                    "lib/modules")) {
                cpio.directory(directory, 0755);
            }
            cpio.file("init", 0755, Files.readAllBytes(init));
            cpio.file("etc/edgefaas/command", 0644, lines(command));
            cpio.file("etc/edgefaas/workdir", 0644, lines(List.of(workdir)));
            cpio.file("etc/edgefaas/env", 0644, lines(environment));
            cpio.file("etc/edgefaas/root", 0644, lines(List.of(ROOT_DEVICE)));
            cpio.file("etc/edgefaas/nproc", 0644, lines(List.of(Integer.toString(ManifestDefaults.PIDS_MAX))));
            List<String> modulePaths = new ArrayList<>();
            for (Path module : kernel.modules()) {
                String inside = "lib/modules/" + String.format("%02d-", modulePaths.size()) + module.getFileName();
                cpio.file(inside, 0644, Files.readAllBytes(module));
                modulePaths.add("/" + inside);
            }
            cpio.file("etc/edgefaas/modules", 0644, lines(modulePaths));
        }
    }

    private static byte[] lines(List<String> lines) {
        return lines.stream().map(line -> line + "\n").reduce("", String::concat).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An ext4 image of {@code tree}: no journal (it is read-only), no reserved blocks, fixed
     * identity. {@code mke2fs -d} copies each file's access and change times, which no one can
     * fix on the host, so they are zeroed in the image afterwards.
     */
    private static void writeRootDisk(Path file, Path tree, String digest) throws IOException {
        String uuid = uuidOf(digest);
        long sizeMib = Math.max(16, (treeBytes(tree) * 11 / 10 + 8 * MIB) / MIB + 1);
        run(List.of("mke2fs", "-q", "-t", "ext4", "-d", tree.toString(),
                "-U", uuid, "-E", "hash_seed=" + uuid + ",root_owner=0:0", "-O", "^has_journal,^resize_inode",
                "-m", "0", "-b", "4096", "-L", "edgefaas", file.toString(), sizeMib + "M"));
        Path commands = file.resolveSibling("zero-times.debugfs");
        List<String> paths = new ArrayList<>(List.of("/", "/lost+found"));
        try (Stream<Path> walk = Files.walk(tree)) {
            walk.filter(path -> !path.equals(tree)).sorted().forEach(path -> paths.add("/" + tree.relativize(path)));
        }
        StringBuilder script = new StringBuilder();
        for (String path : paths) {
            for (String field : List.of("atime", "ctime", "mtime")) {
                script.append("sif \"").append(path).append("\" ").append(field).append(" 0\n");
            }
        }
        Files.writeString(commands, script);
        try {
            run(List.of("debugfs", "-w", "-f", commands.toString(), file.toString()));
        } finally {
            Files.deleteIfExists(commands);
        }
    }

    /** Runs an e2fsprogs command; their own time stamps are fixed (0 would mean "not set"). */
    private static void run(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("E2FSPROGS_FAKE_TIME", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(command.getFirst() + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while making the root disk");
        }
    }

    private static long treeBytes(Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    // Whole 4 KiB blocks, plus an inode's worth for every file.
                    return (Files.size(path) + 4095) / 4096 * 4096 + 4096;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** A UUID made of the digest's first 128 bits, so the image's identity follows its content. */
    static String uuidOf(String digest) {
        String hex = digest.substring(0, 32);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20, 32);
    }

    private static String digest(RootfsBuilder.Rootfs rootfs, List<String> command, String workdir, GuestKernel kernel,
                                 Path init, List<String> environment) {
        try {
            Sha256 sha = Sha256.start().add(LAYOUT_VERSION).add(rootfs.digest()).add(String.join("\n", command)).add(workdir)
                    .add(String.join("\n", environment)).addFile(init);
            for (Path module : kernel.modules()) {
                sha.add(module.toString()).addFile(module);
            }
            return sha.hex();
        } catch (IOException e) {
            throw new SandboxException("cannot read the guest's inputs: " + e.getMessage(), e);
        }
    }
}
