package dev.edgefaas.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last minutes of each function's requests, for the dashboard: per {@link #SLOT} of wall
 * time, how many came, how many failed, and their latency. Prometheus keeps the whole history
 * for a scraper; a node with no Prometheus beside it still shows its recent past with this.
 * A failure is an answer of 5xx, or a request refused without an instance (429, 503).
 */
public final class RecentTraffic {
    public static final Duration SLOT = Duration.ofSeconds(5);
    /** Five minutes. */
    public static final int SLOTS = 60;

    private final Map<String, FunctionSlots> functions = new ConcurrentHashMap<>();

    /** One slot of one function's requests; latencies are of the answered ones, zero when there were none. */
    public record Point(Instant start, long requests, long failures, double p50Millis, double p99Millis) {
    }

    /** Counts a request answered by an instance with {@code status} after {@code nanos}. */
    public void answered(String function, int status, long nanos) {
        slots(function).add(System.currentTimeMillis(), status >= 500, nanos);
    }

    /**
     * Counts a request refused without an instance. Not one for an unknown function (404): any
     * client could make this map grow by naming functions that do not exist.
     */
    public void refused(String function, int status) {
        if (status != 404) {
            slots(function).add(System.currentTimeMillis(), status >= 429, -1);
        }
    }

    /** The function's slots of the last {@link #SLOTS}, oldest first, with none missing (idle ones are zero). */
    public List<Point> series(String function) {
        FunctionSlots slots = functions.get(function);
        return slots == null ? FunctionSlots.idle(System.currentTimeMillis()) : slots.series(System.currentTimeMillis());
    }

    /** Drops a removed function's slots. */
    public void forget(String function) {
        functions.remove(function);
    }

    private FunctionSlots slots(String function) {
        FunctionSlots slots = functions.get(function);
        return slots != null ? slots : functions.computeIfAbsent(function, name -> new FunctionSlots());
    }

    /** A ring of slots, each reset when the clock comes round to it again. */
    private static final class FunctionSlots {
        private final long[] slotIds = new long[SLOTS];
        private final long[] requests = new long[SLOTS];
        private final long[] failures = new long[SLOTS];
        private final LatencyBuckets[] latencies = new LatencyBuckets[SLOTS];

        FunctionSlots() {
            for (int i = 0; i < SLOTS; i++) {
                slotIds[i] = -1;
                latencies[i] = new LatencyBuckets();
            }
        }

        synchronized void add(long nowMillis, boolean failed, long nanos) {
            long id = nowMillis / SLOT.toMillis();
            int i = (int) (id % SLOTS);
            if (slotIds[i] != id) {
                slotIds[i] = id;
                requests[i] = 0;
                failures[i] = 0;
                latencies[i].clear();
            }
            requests[i]++;
            if (failed) {
                failures[i]++;
            }
            if (nanos >= 0) {
                latencies[i].add(nanos);
            }
        }

        synchronized List<Point> series(long nowMillis) {
            long newest = nowMillis / SLOT.toMillis();
            List<Point> points = new ArrayList<>(SLOTS);
            for (long id = newest - SLOTS + 1; id <= newest; id++) {
                int i = (int) (id % SLOTS);
                Instant start = Instant.ofEpochMilli(id * SLOT.toMillis());
                if (slotIds[i] == id) {
                    points.add(new Point(start, requests[i], failures[i], latencies[i].percentileMillis(50),
                            latencies[i].percentileMillis(99)));
                } else {
                    points.add(new Point(start, 0, 0, 0, 0));
                }
            }
            return points;
        }

        static List<Point> idle(long nowMillis) {
            return new FunctionSlots().series(nowMillis);
        }
    }
}
