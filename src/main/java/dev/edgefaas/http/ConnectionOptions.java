package dev.edgefaas.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of a message's {@code Connection} fields (RFC 9110 section 7.6.1): its
 * comma-separated tokens, in lower case, across every such field. The one reading of them,
 * whether for {@code close}, {@code keep-alive} or the fields they make hop-by-hop.
 */
public final class ConnectionOptions {
    private ConnectionOptions() {
    }

    /** The options named by {@code fields}' Connection fields; empty if there are none. */
    public static Set<String> of(List<HeaderField> fields) {
        Set<String> options = null;
        for (HeaderField field : fields) {
            if (!field.is("connection")) {
                continue;
            }
            for (String token : field.value().split(",")) {
                String option = token.trim().toLowerCase(Locale.ROOT);
                if (!option.isEmpty()) {
                    if (options == null) {
                        options = new TreeSet<>();
                    }
                    options.add(option);
                }
            }
        }
        return options == null ? Set.of() : options;
    }
}
