package dev.edgefaas.gateway;

import io.helidon.http.Header;
import io.helidon.http.Headers;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Header fields that describe one connection, not the message, and so are never forwarded:
 * the fixed set of RFC 9110 section 7.6.1 (https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1)
 * plus every field the {@code Connection} header names.
 */
final class HopByHopHeaders {
    private static final Set<String> ALWAYS = Set.of(
            "connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade", "trailer",
            // Answered by the gateway itself: it already sent 100 Continue to the client when it read the body.
            "expect",
            // Set from the target URI by the client connection.
            "host");

    private final Set<String> names;

    private HopByHopHeaders(Set<String> names) {
        this.names = names;
    }

    /** The hop-by-hop set of one message, including what its {@code Connection} header lists. */
    static HopByHopHeaders of(Headers headers) {
        Set<String> names = new TreeSet<>(ALWAYS);
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("connection")) {
                for (String value : header.allValues(true)) {
                    names.add(value.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new HopByHopHeaders(names);
    }

    boolean contains(Header header) {
        return names.contains(header.name().toLowerCase(Locale.ROOT));
    }
}
