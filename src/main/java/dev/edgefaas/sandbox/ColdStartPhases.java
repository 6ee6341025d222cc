package dev.edgefaas.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The phases of one cold start, as the backend passes them ({@code prepare}, {@code spawn},
 * {@code ready}, ...). Each phase lasts from the previous mark to its own. Thread-safe.
 */
public final class ColdStartPhases {

    /** One finished phase. */
    public record Phase(String name, long nanos) {
        public double millis() {
            return nanos / 1e6;
        }
    }

    private final List<Phase> phases = new ArrayList<>();
    private final long startNanos;
    private long lastMarkNanos;

    public ColdStartPhases() {
        startNanos = System.nanoTime();
        lastMarkNanos = startNanos;
    }

    /** Ends the current phase under {@code name} and starts the next. */
    public synchronized void mark(String name) {
        long now = System.nanoTime();
        phases.add(new Phase(name, now - lastMarkNanos));
        lastMarkNanos = now;
    }

    public synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    /** Time from creation to the last mark. */
    public synchronized long totalNanos() {
        return lastMarkNanos - startNanos;
    }

    /** The phases as a {@code Server-Timing} value (https://www.w3.org/TR/server-timing/). */
    public String serverTiming() {
        StringBuilder value = new StringBuilder();
        for (Phase phase : phases()) {
            if (!value.isEmpty()) {
                value.append(", ");
            }
            value.append(phase.name()).append(";dur=").append(String.format(Locale.ROOT, "%.3f", phase.millis()));
        }
        return value.toString();
    }
}
