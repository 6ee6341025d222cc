package dev.edgefaas.host.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Point-to-point /30 subnets cut from one configurable IPv4 range: in each, the host side of
 * an instance's link takes the first address and the instance the second. Thread-safe.
 */
public final class AddressPool {
    private final int base;
    private final int slots;
    private final BitSet taken = new BitSet();

    /** A pool over {@code cidr}, e.g. {@code 10.213.0.0/16} (16,384 links). */
    public AddressPool(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("network pool '" + cidr + "' is not a CIDR range such as 10.213.0.0/16");
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("network pool " + cidr + ": the prefix must be from /8 to /30");
        }
        int address = toInt(parts[0]);
        int mask = (int) (0xFFFFFFFFL << (32 - prefix));
        this.base = address & mask;
        this.slots = 1 << (30 - prefix);
    }

    /** One /30: {@code host} and {@code instance} addresses, and its index in the pool. */
    public record Link(int index, String host, String instance) {
        public static final int PREFIX = 30;
    }

    /**
     * The lowest free /30 that no host interface uses already: another platform on this host, or
     * what a crashed run left before it is reaped, may hold addresses of the same range, and a
     * second route to one /30 would send an instance's replies to the other's link.
     */
    public synchronized Link allocate() {
        Set<Integer> onHost = hostAddresses();
        for (int index = taken.nextClearBit(0); index < slots; index = taken.nextClearBit(index + 1)) {
            int subnet = base + index * 4;
            if (!onHost.contains(subnet + 1) && !onHost.contains(subnet + 2)) {
                taken.set(index);
                return link(index);
            }
        }
        throw new IllegalStateException("all " + slots + " /30 links of the network pool are in use;"
                + " give a larger pool with --network-pool");
    }

    private static Set<Integer> hostAddresses() {
        Set<Integer> addresses = new HashSet<>();
        try {
            for (NetworkInterface link : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(link.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        addresses.add(toInt(address.getHostAddress()));
                    }
                }
            }
        } catch (SocketException e) {
            // Without the list, allocation is as before: by the pool's own bookkeeping.
        }
        return addresses;
    }

    public synchronized void release(Link link) {
        taken.clear(link.index());
    }

    private Link link(int index) {
        int subnet = base + index * 4;
        return new Link(index, toText(subnet + 1), toText(subnet + 2));
    }

    private static int toInt(String dotted) {
        try {
            byte[] bytes = InetAddress.getByName(dotted).getAddress();
            if (bytes.length != 4) {
                throw new IllegalArgumentException(dotted + " is not an IPv4 address");
            }
            return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(dotted + " is not an IPv4 address", e);
        }
    }

    private static String toText(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
