package dev.edgefaas.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a backend's probe found.
 *
 * @param usable  whether instances can start here
 * @param summary one line: for a usable backend what it will use (version, mode), else the reason and the fix
 * @param details facts for {@code doctor} and instance details (versions, platform, network mode)
 */
public record Availability(boolean usable, String summary, Map<String, String> details) {
    public Availability {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static Availability usable(String summary, Map<String, String> details) {
        return new Availability(true, summary, details);
    }

    public static Availability unusable(String reasonAndFix) {
        return new Availability(false, reasonAndFix, Map.of());
    }
}
