package dev.edgefaas.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The front proxies whose {@code X-Forwarded-*}, {@code Forwarded} and {@code X-Real-IP} the
 * gateway keeps (and appends to). From anyone else those fields are the client's claims, and the
 * gateway replaces them, or a client could pose as any address. Empty by default. Immutable.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses addresses and CIDR ranges, {@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}.
     *
     * @throws IllegalArgumentException naming the entry that is not one
     */
    public static TrustedProxies parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (!address.matches("[0-9a-fA-F.:]+")) {
                throw invalid(entry, "not an IP address");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw invalid(entry, "not an IP address");
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(trimmed.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(entry, "the prefix length is not a number");
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw invalid(entry, "the prefix length must be 0 to " + network.length * 8);
                }
            }
            ranges.add(new Range(network, bits));
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(List.copyOf(ranges));
    }

    private static IllegalArgumentException invalid(String entry, String why) {
        return new IllegalArgumentException("trusted proxy '" + entry + "' is " + why
                + "; give an address or a CIDR range such as 10.0.0.0/8");
    }

    boolean trusts(InetAddress peer) {
        if (ranges.isEmpty()) {
            return false;
        }
        byte[] address = peer.getAddress();
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
