package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The host's TSC rate in kHz. Linux on QEMU's microvm under TCG has no PIT to calibrate its TSC
 * against and hangs at boot; {@code tsc_early_khz} tells it the rate instead.
 */
final class TscFrequency {
    private TscFrequency() {
    }

    static OptionalLong kilohertz() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("cpu MHz"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .mapToLong(mhz -> Math.round(Double.parseDouble(mhz) * 1000))
                    .findFirst();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
