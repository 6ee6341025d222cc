package dev.edgefaas.bench.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * Descriptive statistics of the repetitions of one measurement, in {@code unit}.
 * Percentiles interpolate linearly between order statistics (numpy's default), so the median
 * of an even count is the mean of the two middle values.
 */
public record Summary(SeriesKey key, String unit, int count, double median, double mean, double p95,
                      double min, double max) {

    public Summary {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(unit, "unit");
        if (count < 1) {
            throw new IllegalArgumentException("a summary needs at least one value: " + key);
        }
    }

    /** Summarizes {@code values}, which must be finite and not empty. */
    public static Summary of(SeriesKey key, String unit, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarize for " + key);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new Summary(key, unit, sorted.length, percentile(sorted, 50), sum / sorted.length,
                percentile(sorted, 95), sorted[0], sorted[sorted.length - 1]);
    }

    /** The {@code p}-th percentile of already sorted values. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
