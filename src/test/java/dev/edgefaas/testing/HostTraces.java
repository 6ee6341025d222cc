package dev.edgefaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.sandbox.InstanceStart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** What an instance may leave on the host, looked up the way an operator would. */
public final class HostTraces {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostTraces() {
    }

    /** Cgroup directories named after {@code instanceId} in any hierarchy. */
    public static List<Path> cgroups(String instanceId) {
        List<Path> found = new ArrayList<>();
        Path root = Path.of("/sys/fs/cgroup");
        try (Stream<Path> hierarchies = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            for (Path hierarchy : hierarchies.toList()) {
                for (Path candidate : List.of(hierarchy.resolve("edgefaas").resolve(instanceId),
                        root.resolve("edgefaas").resolve(instanceId))) {
                    if (Files.exists(candidate)) {
                        found.add(candidate);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** State directories of OCI containers named after {@code instanceId}, in any runtime's root. */
    public static List<Path> containers(String instanceId) {
        List<Path> found = new ArrayList<>();
        for (String runtime : List.of("runc", "crun", "runsc")) {
            Path root = Path.of("/run/edgefaas-oci", runtime);
            try (Stream<Path> entries = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
                entries.filter(p -> p.getFileName().toString().contains(instanceId)).forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** Network namespaces and links whose names start with {@code prefix} (edgefaas's all start with {@code ef}). */
    public static List<String> networkObjects(String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : run("ip", "netns", "list")) {
            if (line.startsWith(prefix)) {
                found.add("netns " + line);
            }
        }
        for (String line : run("ip", "-o", "link", "show")) {
            String[] fields = line.split(":\\s+");
            if (fields.length > 1 && fields[1].startsWith(prefix)) {
                found.add("link " + fields[1]);
            }
        }
        return found;
    }

    /** Firewall rules of the run whose links start with {@code prefix}. */
    public static List<String> firewallRules(String prefix) {
        String chain = "EDGEFAAS-" + prefix.toUpperCase(Locale.ROOT);
        return run("iptables", "-w", "-S").stream().filter(line -> line.contains(chain) || line.contains(prefix + "+")).toList();
    }

    /**
     * How many connections the namespace that process {@code pid} runs in has forwarded to its
     * guest: the packet count of its DNAT rule, which sees only a connection's first packet.
     */
    public static long connectionsForwardedToGuest(long pid) {
        List<String> namespace = run("ip", "netns", "identify", Long.toString(pid));
        if (namespace.isEmpty() || namespace.getFirst().isBlank()) {
            throw new IllegalStateException("process " + pid + " runs in no named network namespace");
        }
        return run("ip", "netns", "exec", namespace.getFirst().trim(), "iptables", "-w", "-t", "nat", "-L", "PREROUTING",
                "-v", "-x", "-n").stream().filter(line -> line.contains("DNAT")).mapToLong(
                        line -> Long.parseLong(line.trim().split("\\s+")[0])).sum();
    }

    /** Pids of processes with an argument containing {@code text}, e.g. a VMM's {@code -name}. */
    public static List<Long> processesWithArgument(String text) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String commandLine = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (commandLine.contains(text)) {
                        found.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // The process ended while we looked.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * The pids in the records of standby VMMs (VMMs started ahead for restores) in the state
     * directory {@code stateDirectory}; a record has one once its VMM is started.
     */
    public static List<Long> standbyVmms(Path stateDirectory) {
        return standbyVmms(stateDirectory, false);
    }

    /** The pids of the standby VMMs that listen for a state already: a restore now takes one of them. */
    public static List<Long> waitingStandbyVmms(Path stateDirectory) {
        return standbyVmms(stateDirectory, true);
    }

    private static List<Long> standbyVmms(Path stateDirectory, boolean onlyWaiting) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> records = Files.list(stateDirectory.resolve("instances"))) {
            for (Path record : records.filter(p -> p.getFileName().toString().matches("vmm-[0-9a-f]+\\.json")).toList()) {
                JsonNode fields = JSON.readTree(record.toFile());
                JsonNode pid = fields.get(InstanceStart.RECORD_PID);
                // StandbyVmms.RECORD_WAITING_SINCE, which is the microVM package's own.
                if (pid != null && (!onlyWaiting || fields.has("waiting-since"))) {
                    pids.add(Long.parseLong(pid.asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static List<String> run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output.lines().toList();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
