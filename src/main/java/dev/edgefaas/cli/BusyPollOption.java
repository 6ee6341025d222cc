package dev.edgefaas.cli;

import dev.edgefaas.platform.PlatformConfig;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --busy-poll}, for the commands that start a gateway: serve, and the benchmark that measures it. */
final class BusyPollOption {
    /** Beyond a few milliseconds, polling outlasts any answer it could catch. */
    private static final int MAX_MICROS = 10_000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;
    @Option(names = "--busy-poll", defaultValue = "" + PlatformConfig.DEFAULT_BUSY_POLL_MICROS, paramLabel = "MICROS",
            description = "While requests come densely, the gateway's event loops poll for more work this many"
                    + " microseconds before they sleep, yielding the core to anything else that can run: a warm"
                    + " request then waits for no thread wake-up, at the cost of some CPU while the traffic lasts"
                    + " (default: ${DEFAULT-VALUE}; 0: they sleep at once).")
    int micros;

    Duration duration() {
        if (micros < 0 || micros > MAX_MICROS) {
            throw new ParameterException(command.commandLine(), "--busy-poll must be 0 to " + MAX_MICROS
                    + " microseconds, not " + micros + "; 0 turns polling off");
        }
        return Duration.of(micros, ChronoUnit.MICROS);
    }
}
