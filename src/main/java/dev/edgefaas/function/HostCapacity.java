package dev.edgefaas.function;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The host's memory, read from {@code /proc/meminfo}; bounds what a manifest may ask for. */
public final class HostCapacity {
    private HostCapacity() {
    }

    static long memoryMib() {
        // Not Linux or no procfs: fall back to what the JVM may use, an underestimate.
        return meminfoKib("MemTotal").stream().map(kib -> kib / 1024)
                .findFirst().orElse(Math.max(1, java.lang.Runtime.getRuntime().maxMemory() / (1024 * 1024)));
    }

    /** A field of {@code /proc/meminfo} (e.g. {@code MemAvailable}) in KiB; empty where there is none. */
    public static OptionalLong meminfoKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field + ":")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
