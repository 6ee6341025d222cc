package dev.edgefaas.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How long the node's cold starts took, per sandbox, since it started: counts in fixed buckets, for the dashboard. */
public final class ColdStartHistogram {
    /** Upper bounds in ms; the last bucket takes everything longer. */
    public static final List<Integer> BOUNDS_MILLIS = List.of(25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);

    private final Map<String, long[]> bySandbox = new TreeMap<>();

    synchronized void add(String sandbox, long nanos) {
        long[] counts = bySandbox.computeIfAbsent(sandbox, name -> new long[BOUNDS_MILLIS.size() + 1]);
        double millis = nanos / 1e6;
        int bucket = 0;
        while (bucket < BOUNDS_MILLIS.size() && millis > BOUNDS_MILLIS.get(bucket)) {
            bucket++;
        }
        counts[bucket]++;
    }

    /** Per sandbox, the counts of each bucket of {@link #BOUNDS_MILLIS} and one more for longer starts. */
    public synchronized Map<String, long[]> counts() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        bySandbox.forEach((sandbox, counts) -> copy.put(sandbox, counts.clone()));
        return copy;
    }
}
