package dev.edgefaas.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a soak passed: no request lost, and no growth of the gateway's heap or descriptors
 * between warm start and the end. Heap moves with the JIT, caches and collector timing, so it may
 * grow by the larger of a fixed slack and a fraction of what it was; descriptors are exact and
 * get only a small slack for connections caught opening or closing.
 *
 * @param failures why it failed, each a short clause; empty if it passed
 */
public record SoakVerdict(List<String> failures) {
    static final long HEAP_SLACK_BYTES = 16L * 1024 * 1024;
    static final double HEAP_SLACK_FRACTION = 0.20;
    static final int FD_SLACK = 8;

    public SoakVerdict {
        failures = List.copyOf(failures);
    }

    /** The verdict on a soak that lost {@code lost} requests and measured {@code warm} and {@code end}. */
    public static SoakVerdict of(long lost, GatewayFootprint warm, GatewayFootprint end) {
        List<String> failures = new ArrayList<>();
        if (lost > 0) {
            failures.add(lost + " requests lost (failed after every retry)");
        }
        long heapGrowth = end.heapBytes() - warm.heapBytes();
        long heapAllowed = Math.max(HEAP_SLACK_BYTES, Math.round(warm.heapBytes() * HEAP_SLACK_FRACTION));
        if (heapGrowth >= heapAllowed) {
            failures.add(String.format(Locale.ROOT, "heap grew by %.1f MiB (%.1f -> %.1f MiB; allowed: under %.1f MiB)",
                    heapGrowth / 1048576.0, warm.heapMib(), end.heapMib(), heapAllowed / 1048576.0));
        }
        if (warm.instances() != end.instances()) {
            failures.add("instances did not settle to the same count (" + warm.instances() + " at warm start, "
                    + end.instances() + " at the end), so descriptors cannot be compared");
        } else if (end.openFds() - warm.openFds() > FD_SLACK) {
            failures.add("open descriptors grew by " + (end.openFds() - warm.openFds()) + " (" + warm.openFds() + " -> "
                    + end.openFds() + "; allowed: " + FD_SLACK + ")");
        }
        return new SoakVerdict(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    /** {@code soak: PASS}, or {@code soak: FAIL: } and the reasons. */
    public String line() {
        return passed() ? "soak: PASS" : "soak: FAIL: " + String.join("; ", failures);
    }
}
