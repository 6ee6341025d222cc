package dev.edgefaas.sandbox.oci;

import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Chooses gVisor's platform by probing rather than assuming: systrap, then kvm, then ptrace, the
 * first that runs a trivial sandbox wins. gVisor's own network stack fails with Debian's 2022
 * runsc, so the sandbox passes its sockets through to the host kernel ({@code --network=host});
 * it does so inside the container's own network namespace, which keeps instances apart as
 * with runc.
 */
final class RunscPlatform {
    private static final List<String> PREFERENCE = List.of("systrap", "kvm", "ptrace");
    /** A platform that cannot run here usually fails at once; kvm on a nested host hangs instead. */
    private static final int PROBE_SECONDS = 5;

    private RunscPlatform() {
    }

    static OciRuntime configure(Path binary, String version, List<String> baseOptions) {
        List<String> failures = new ArrayList<>();
        for (String platform : PREFERENCE) {
            if (platform.equals("kvm") && !Files.exists(Path.of("/dev/kvm"))) {
                failures.add("kvm: no /dev/kvm");
                continue;
            }
            try {
                probe(binary, platform);
                List<String> options = new ArrayList<>(baseOptions);
                options.add("--platform=" + platform);
                options.add("--network=host");
                return new OciRuntime("runsc", binary, version, OciRuntime.stateRoot("runsc"), options, false, true,
                        false, "platform " + platform + ", network passed through to the host kernel inside its own"
                        + " namespace (gVisor's netstack fails with this runsc build)");
            } catch (SandboxException e) {
                failures.add(platform + ": " + shorten(e.getMessage()));
            }
        }
        throw new SandboxException("runsc runs on none of its platforms here: " + String.join("; ", failures));
    }

    /** {@code runsc do} runs a command in a throwaway sandbox with the host's root file system. */
    private static void probe(Path binary, String platform) {
        // --network=none: with host networking `runsc do` makes a namespace of its own, which a killed probe leaves.
        List<String> command = List.of(binary.toString(), "--platform=" + platform, "--network=none",
                "--root", OciRuntime.stateRoot("runsc-probe").toString(), "do", "true");
        try {
            Instant started = Instant.now();
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                // Kill the probe and its sandbox and wait, so no probe outlives its timeout. The sandbox
                // detaches from its parent, so it is found by what it runs, not only among descendants.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                killProbeSandboxes(platform, started);
                process.waitFor(5, TimeUnit.SECONDS);
                throw new SandboxException("no answer within " + PROBE_SECONDS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new SandboxException("exit " + process.exitValue() + ": " + lastLine(output));
            }
        } catch (IOException e) {
            throw new SandboxException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        }
    }

    /** {@code runsc do} sandboxes of {@code platform} started since {@code since}: the probe's own. */
    private static void killProbeSandboxes(String platform, Instant since) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.startsWith("runsc-sandbox")
                        && c.contains("--platform=" + platform) && c.contains("runsc-do")).orElse(false))
                .filter(p -> p.info().startInstant().map(start -> !start.isBefore(since.minusSeconds(1))).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }

    private static String shorten(String message) {
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
    }
}
