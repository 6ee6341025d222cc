package dev.edgefaas.gateway;

import dev.edgefaas.http.ConnectionOptions;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Header fields that describe one connection, not the message, and so are never forwarded:
 * the fixed set of RFC 9110 section 7.6.1 (https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1)
 * plus every field the message's {@code Connection} field names.
 */
final class HopByHopHeaders {
    private static final Set<String> ALWAYS = Set.of(
            "connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade", "trailer",
            // Answered by the gateway itself: it sent 100 Continue to the client when it read the body.
            "expect",
            // Framing is the gateway's own on each side: it writes Content-Length or chunks itself.
            "content-length");

    /**
     * Fields a {@code Connection} option may not remove: the ones the gateway sets itself. A
     * client naming them would otherwise strip what the function relies on (RFC 9110 section
     * 7.6.1 lets a proxy refuse to act on such options).
     */
    private static final Set<String> PROTECTED = Set.of(
            "host", "via", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip");

    private static final String[] ALWAYS_NAMES = ALWAYS.toArray(String[]::new);

    private static final HopByHopHeaders STANDARD = new HopByHopHeaders(Set.of());

    /** Names the message's {@code Connection} field adds, lower case. */
    private final Set<String> named;

    private HopByHopHeaders(Set<String> named) {
        this.named = named;
    }

    /** The hop-by-hop set of one message whose {@code Connection} options ({@link ConnectionOptions}) are {@code options}. */
    static HopByHopHeaders withConnectionOptions(Set<String> options) {
        Set<String> named = null;
        for (String name : options) {
            if (!ALWAYS.contains(name) && !PROTECTED.contains(name)) {
                if (named == null) {
                    named = new TreeSet<>();
                }
                named.add(name);
            }
        }
        return named == null ? STANDARD : new HopByHopHeaders(named);
    }

    boolean contains(String name) {
        // Compared in place: lower-casing every field name of every request allocated on the data path.
        for (String always : ALWAYS_NAMES) {
            if (always.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return !named.isEmpty() && named.contains(name.toLowerCase(Locale.ROOT));
    }
}
