package dev.edgefaas.bench.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the host has left: the idle-memory experiment's other reading beside the instances' cgroups. */
final class HostMemory {
    private HostMemory() {
    }

    /** The host's available memory, from {@code /proc/meminfo}, in MiB. */
    static double memAvailableMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
