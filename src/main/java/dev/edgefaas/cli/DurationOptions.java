package dev.edgefaas.cli;

import dev.edgefaas.function.Durations;
import dev.edgefaas.function.ManifestException;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Duration options of the bench commands ({@code 30s}, {@code 5m}), in the manifests' syntax, refused by name. */
final class DurationOptions {
    private DurationOptions() {
    }

    static Duration parse(CommandSpec spec, String option, String text) {
        try {
            return Durations.parse(option, text);
        } catch (ManifestException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
