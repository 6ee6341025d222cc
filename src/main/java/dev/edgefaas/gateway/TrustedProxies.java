package dev.edgefaas.gateway;

import dev.edgefaas.host.network.AddressRanges;
import java.net.InetAddress;
import java.util.List;

/**
 * The front proxies whose {@code X-Forwarded-*}, {@code Forwarded} and {@code X-Real-IP} the
 * gateway keeps (and appends to). From anyone else those fields are the client's claims, and the
 * gateway replaces them, or a client could pose as any address. Empty by default. Immutable.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(AddressRanges.NONE);

    private final AddressRanges ranges;

    private TrustedProxies(AddressRanges ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses addresses and CIDR ranges, {@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}.
     *
     * @throws IllegalArgumentException naming the entry that is not one
     */
    public static TrustedProxies parse(List<String> entries) {
        AddressRanges ranges = AddressRanges.parse(entries, "trusted proxy");
        return ranges.isEmpty() ? NONE : new TrustedProxies(ranges);
    }

    boolean trusts(InetAddress peer) {
        return !ranges.isEmpty() && ranges.contains(peer);
    }
}
