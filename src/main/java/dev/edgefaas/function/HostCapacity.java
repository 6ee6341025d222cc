package dev.edgefaas.function;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's memory, read from {@code /proc/meminfo}; bounds what a manifest may ask for. */
final class HostCapacity {
    private HostCapacity() {
    }

    static long memoryMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux or no procfs: fall back to what the JVM may use, an underestimate.
        }
        return Math.max(1, java.lang.Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }
}
