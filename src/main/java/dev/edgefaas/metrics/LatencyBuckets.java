package dev.edgefaas.metrics;

import java.util.Arrays;

/**
 * A latency histogram small enough to keep one per function per slot of {@link RecentTraffic}:
 * buckets 10% wide from 1 µs to about 3 minutes, so a percentile read from it is within 10% of
 * the true one (HdrHistogram's are exact but take tens of KiB each).
 */
final class LatencyBuckets {
    private static final double WIDTH = Math.log(1.1);
    /** 1.1^200 µs is about 190 s; longer ones go in the last bucket. */
    private static final int BUCKETS = 201;

    private final int[] counts = new int[BUCKETS];
    private long total;

    void add(long nanos) {
        double micros = Math.max(1, nanos / 1_000.0);
        int bucket = (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / WIDTH));
        counts[bucket]++;
        total++;
    }

    void clear() {
        Arrays.fill(counts, 0);
        total = 0;
    }

    /** The upper bound of the bucket holding the {@code percentile}th value, in ms; 0 if empty. */
    double percentileMillis(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percentile / 100 * total);
        long seen = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            seen += counts[bucket];
            if (seen >= rank) {
                return Math.pow(1.1, bucket) / 1_000;
            }
        }
        return Math.pow(1.1, BUCKETS - 1) / 1_000;
    }
}
