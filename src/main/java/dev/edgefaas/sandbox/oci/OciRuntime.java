package dev.edgefaas.sandbox.oci;

import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One OCI runtime CLI (runc, crun or runsc) as edgefaas drives it: its binary, its own state
 * directory (so our containers are apart from anyone else's), and the options this host needs.
 * runc, crun and runsc share the CLI contract ({@code run}, {@code kill}, {@code delete}); the
 * differences are data here, not code elsewhere.
 */
record OciRuntime(String name, Path binary, String version, Path stateRoot, List<String> globalOptions,
                  boolean hidesUnifiedCgroup, boolean ownNetwork, boolean seccomp, String mode) {

    /** Where edgefaas keeps each runtime's container state. */
    static Path stateRoot(String name) {
        return Path.of("/run/edgefaas-oci", name);
    }

    /**
     * Detects {@code name} on this host.
     *
     * @throws SandboxException if it is missing or does not run, saying how to install it
     */
    static OciRuntime detect(String name, CgroupLayout cgroups) {
        Path binary = onPath(name).orElseThrow(() -> new SandboxException(
                name + " is not installed: apt-get install -y " + name + ", or choose sandbox process"));
        String version = firstLine(run(List.of(binary.toString(), "--version"), 10));
        List<String> options = new ArrayList<>(List.of("--root", stateRoot(name).toString()));
        return switch (name) {
            case "runc" -> new OciRuntime(name, binary, version, stateRoot(name), options, false, true, true,
                    "own network namespace");
            // crun 1.8 fails on a v1/v2 hybrid that has an (empty) unified hierarchy mounted: it runs
            // in a private mount namespace with that mount taken away.
            case "crun" -> new OciRuntime(name, binary, version, stateRoot(name), options,
                    cgroups.kind() == CgroupLayout.Kind.HYBRID && cgroups.unifiedRoot().isPresent(), true, true,
                    "own network namespace" + (cgroups.kind() == CgroupLayout.Kind.HYBRID ? ", hybrid-cgroup workaround" : ""));
            case "runsc" -> RunscPlatform.configure(binary, version, options);
            default -> throw new IllegalArgumentException("not an OCI runtime edgefaas knows: " + name);
        };
    }

    /** The command line of {@code arguments} for this runtime. */
    List<String> command(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(globalOptions);
        command.addAll(List.of(arguments));
        return command;
    }

    /** {@link #command} for starting a container, in a private mount namespace where the host needs it. */
    List<String> runCommand(String... arguments) {
        List<String> command = command(arguments);
        if (!hidesUnifiedCgroup) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "umount /sys/fs/cgroup/unified && exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }

    static Optional<Path> onPath(String name) {
        for (String directory : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs a short command and returns its output; throws with the output if it fails or hangs. */
    static String run(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SandboxException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new SandboxException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new SandboxException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while running " + command.getFirst());
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
