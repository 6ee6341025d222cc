package dev.edgefaas.host.network;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs iproute2's {@code ip} and {@code iptables}; several {@code ip} commands go through one process with {@code -batch}. */
final class IpCommand {
    private IpCommand() {
    }

    /** Runs {@code commands} through one {@code ip [options] -batch -}; throws with ip's words on failure. */
    static void batch(List<String> options, List<String> commands) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(options);
        command.addAll(List.of("-batch", "-"));
        run(command, String.join("\n", commands) + "\n");
    }

    /**
     * Runs {@code commands} through one {@code ip -force -batch -}, which goes on past a failing
     * line: for removals, where a failure means only that there was nothing to remove.
     */
    static void batchQuietly(List<String> commands) {
        runQuietly(List.of("ip", "-force", "-batch", "-"), String.join("\n", commands) + "\n");
    }

    /** Runs a command; throws with what it printed if it fails. */
    static boolean run(List<String> command, String input) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new NetworkException(String.join(" ", command) + " failed: " + output);
            }
            return true;
        } catch (IOException e) {
            throw new NetworkException(command.getFirst() + " cannot run (" + e.getMessage()
                    + "): apt-get install -y iproute2 iptables");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while running " + String.join(" ", command));
        }
    }

    /** Runs a command and returns what it printed; empty if it failed. */
    static String output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? output : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Runs a command whose failure means only that there was nothing to remove. */
    static void runQuietly(List<String> command) {
        runQuietly(command, "");
    }

    private static void runQuietly(List<String> command, String input) {
        try {
            run(command, input);
        } catch (NetworkException e) {
            // Removing what is already gone.
        }
    }
}
