package dev.edgefaas.image;

import dev.edgefaas.sandbox.SandboxException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds the minimal microVM guest kernel from Debian's {@code linux-source} package with the
 * configuration fragment in this repository, and caches it under a name that carries the
 * fragment's digest: a changed fragment is a new kernel. About 20 minutes on 2 cores, once;
 * the unpacked source tree is kept, so a rebuild only compiles what changed.
 */
public final class MinimalKernel {
    private static final String FRAGMENT_RESOURCE = "minimal-kernel.config";
    private static final List<String> BUILD_PACKAGES = List.of("linux-source", "build-essential", "flex", "bison", "bc",
            "libelf-dev", "libssl-dev", "xz-utils");

    private final Path kernelCache;
    private final PrintStream progress;

    public MinimalKernel(Path kernelCache, PrintStream progress) {
        this.kernelCache = kernelCache;
        this.progress = progress;
    }

    /** Where the built kernel is (or will be) cached. */
    public static Path output(Path kernelCache) {
        return kernelCache.resolve("minimal-" + fragmentDigest().substring(0, 12)).resolve("vmlinux");
    }

    /** Builds the kernel unless it is cached; returns its path. */
    public Path build() {
        Path output = output(kernelCache);
        if (Files.isRegularFile(output)) {
            progress.println("cached: " + output);
            return output;
        }
        try {
            if (sourceTarball().isEmpty()) {
                step("installing " + String.join(" ", BUILD_PACKAGES));
                exec(Path.of("/"), List.of("apt-get", "install", "-y", "--no-install-recommends"), BUILD_PACKAGES);
            }
            Path tarball = sourceTarball().orElseThrow(() -> new SandboxException("linux-source installed no tarball in /usr/src"));
            Path buildRoot = Files.createDirectories(kernelCache.resolve("build"));
            String treeName = tarball.getFileName().toString().replaceFirst("\\.tar\\.(xz|bz2|gz)$", "");
            Path tree = buildRoot.resolve(treeName);
            if (!Files.isRegularFile(tree.resolve("Makefile"))) {
                step("unpacking " + tarball + " into " + buildRoot);
                exec(buildRoot, List.of("tar", "xf", tarball.toString()), List.of());
            }
            Path fragment = buildRoot.resolve("fragment.config");
            Files.write(fragment, fragmentBytes());
            step("configuring: make allnoconfig with " + FRAGMENT_RESOURCE);
            exec(tree, List.of("make", "-s", "allnoconfig", "KCONFIG_ALLCONFIG=" + fragment), List.of());
            List<String> missing = missingOptions(tree.resolve(".config"));
            if (!missing.isEmpty()) {
                throw new SandboxException("the kernel configuration dropped " + String.join(", ", missing)
                        + ": an option they depend on is missing from " + FRAGMENT_RESOURCE);
            }
            int jobs = Runtime.getRuntime().availableProcessors();
            step("compiling vmlinux with " + jobs + " jobs (about 20 minutes on 2 cores)");
            exec(tree, List.of("make", "-j" + jobs, "vmlinux"), List.of());
            Files.createDirectories(output.getParent());
            Path temporary = output.resolveSibling("vmlinux.tmp");
            Files.copy(tree.resolve("vmlinux"), temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(tree.resolve(".config"), output.resolveSibling("config"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            step("built " + output + " (" + Files.size(output) / (1024 * 1024) + " MiB)");
            return output;
        } catch (IOException e) {
            throw new SandboxException("cannot build the minimal kernel in " + kernelCache + ": " + e.getMessage()
                    + " (is the disk full? the build needs about 2 GiB)", e);
        }
    }

    private static Optional<Path> sourceTarball() throws IOException {
        Path src = Path.of("/usr/src");
        if (!Files.isDirectory(src)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(src)) {
            return files.filter(f -> f.getFileName().toString().matches("linux-source-[0-9.]+\\.tar\\.(xz|bz2|gz)"))
                    .sorted().reduce((first, second) -> second);
        }
    }

    /** Options the fragment sets that {@code .config} does not have: Kconfig drops those whose dependencies are off. */
    static List<String> missingOptions(Path config) throws IOException {
        Set<String> present = Set.copyOf(Files.readAllLines(config));
        List<String> missing = new ArrayList<>();
        for (String line : new String(fragmentBytes(), StandardCharsets.UTF_8).lines().toList()) {
            if (line.startsWith("CONFIG_") && !present.contains(line)) {
                missing.add(line);
            }
        }
        return missing;
    }

    private void step(String what) {
        progress.println("[kernel] " + what);
    }

    /** Runs a command, showing its latest output line at most once a second. */
    private void exec(Path directory, List<String> command, List<String> extraArguments) throws IOException {
        List<String> full = new ArrayList<>(command);
        full.addAll(extraArguments);
        Process process = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true).start();
        List<String> tail = new ArrayList<>();
        long lastShown = 0;
        int lines = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines++;
                tail.add(line);
                if (tail.size() > 20) {
                    tail.removeFirst();
                }
                if (System.nanoTime() - lastShown > 1_000_000_000L) {
                    lastShown = System.nanoTime();
                    progress.printf("\r  %6d lines  %-70.70s", lines, line.strip());
                    progress.flush();
                }
            }
        }
        try {
            int exit = process.waitFor();
            progress.print(lines > 0 ? "\r" + " ".repeat(86) + "\r" : "");
            if (exit != 0) {
                throw new SandboxException(String.join(" ", full) + " failed with exit code " + exit + ":\n"
                        + String.join("\n", tail));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new SandboxException("interrupted: " + String.join(" ", full));
        }
    }

    private static byte[] fragmentBytes() {
        try (InputStream in = MinimalKernel.class.getResourceAsStream(FRAGMENT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(FRAGMENT_RESOURCE + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + FRAGMENT_RESOURCE, e);
        }
    }

    static String fragmentDigest() {
        return Sha256.start().add(fragmentBytes()).hex();
    }
}
