package dev.edgefaas.host.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A set of IP addresses given as addresses and CIDR ranges ({@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}). Immutable. */
public final class AddressRanges {
    public static final AddressRanges NONE = new AddressRanges(List.of());

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

    private AddressRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses {@code entries}; blank ones are skipped.
     *
     * @param what what an entry is, for the message ({@code "trusted proxy"})
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static AddressRanges parse(List<String> entries, String what) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (!address.matches("[0-9a-fA-F.:]+")) {
                throw invalid(what, entry, "not an IP address");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw invalid(what, entry, "not an IP address");
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(trimmed.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(what, entry, "the prefix length is not a number");
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw invalid(what, entry, "the prefix length must be 0 to " + network.length * 8);
                }
            }
            ranges.add(new Range(network, bits));
        }
        return ranges.isEmpty() ? NONE : new AddressRanges(List.copyOf(ranges));
    }

    private static IllegalArgumentException invalid(String what, String entry, String why) {
        return new IllegalArgumentException(what + " '" + entry + "' is " + why
                + "; give an address or a CIDR range such as 10.0.0.0/8");
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
