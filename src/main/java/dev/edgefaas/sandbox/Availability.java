package dev.edgefaas.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a backend's probe found.
 *
 * @param usable  whether instances can start here
 * @param summary one line: for a usable backend what it will use (version, mode), else every reason, each with its fix
 * @param reasons why it is unusable, one unmet need each with its fix; empty for a usable backend
 * @param details facts for {@code doctor} and instance details (versions, platform, network mode)
 */
public record Availability(boolean usable, String summary, List<String> reasons, Map<String, String> details) {
    public Availability {
        reasons = List.copyOf(reasons);
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        if (usable != reasons.isEmpty()) {
            throw new IllegalArgumentException("an unusable backend says why, a usable one has no reasons");
        }
    }

    public static Availability usable(String summary, Map<String, String> details) {
        return new Availability(true, summary, List.of(), details);
    }

    /** Unusable for every one of {@code reasonsAndFixes}, in the order they were found. */
    public static Availability unusable(List<String> reasonsAndFixes) {
        return new Availability(false, String.join("; ", reasonsAndFixes), reasonsAndFixes, Map.of());
    }

    public static Availability unusable(String reasonAndFix) {
        return unusable(List.of(reasonAndFix));
    }
}
