package dev.edgefaas.bench.report;

import java.util.Objects;

/**
 * What one summary is about: all result rows with the same experiment, sandbox, language,
 * parameter and metric are repetitions of one measurement. For paper data {@code sandbox}
 * holds the paper's target ({@code docker}, {@code gvisor}, {@code linux}, ...).
 */
public record SeriesKey(String experiment, String sandbox, String language, String parameter, String metric) {

    public SeriesKey {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(metric, "metric");
    }

    /** The same key for another sandbox (or paper target) and metric. */
    public SeriesKey with(String otherSandbox, String otherMetric) {
        return new SeriesKey(experiment, otherSandbox, language, parameter, otherMetric);
    }
}
