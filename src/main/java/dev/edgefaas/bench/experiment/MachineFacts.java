package dev.edgefaas.bench.experiment;

import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.SandboxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a report says about the machine it measured: CPU, cores, kernel, memory, each sandbox's runtime. */
public final class MachineFacts {
    private MachineFacts() {
    }

    public static Map<String, String> collect(Map<String, SandboxBackend> backends) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("date", Instant.now().toString());
        facts.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        facts.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        facts.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        facts.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")));
        facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        facts.put("perf counters", "not used: CPU time from cgroups stands in for instructions");
        backends.forEach((name, backend) -> {
            Availability availability = backend.probe();
            facts.put("sandbox " + name, (availability.usable() ? "usable: " : "unusable: ") + availability.summary());
        });
        return facts;
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
