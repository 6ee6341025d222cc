package dev.edgefaas.async;

import dev.edgefaas.host.network.AddressRanges;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where a callback may go. The node sends it, so a client's URL must not make the node reach
 * what the client cannot: its own loopback services (the management API first), link-local
 * metadata services, or instances (their network pool). Those are refused unless the operator
 * allows them ({@code serve --callback-allow CIDR}); the node's management and readiness
 * listeners are refused on every local address even then. Checked when an invocation is accepted
 * and again, after name resolution, when the callback is sent.
 */
public final class CallbackPolicy {
    private final AddressRanges allowed;
    private final AddressRanges instances;
    private final Supplier<Set<Integer>> ownPorts;

    /**
     * @param allowed   addresses the operator allows though they would be refused
     * @param instances the instances' network pool
     * @param ownPorts  the node's management and readiness-callback ports
     */
    public CallbackPolicy(AddressRanges allowed, AddressRanges instances, Supplier<Set<Integer>> ownPorts) {
        this.allowed = allowed;
        this.instances = instances;
        this.ownPorts = ownPorts;
    }

    /**
     * Checks a callback URL's form, as the client gave it.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static URI parse(String value) {
        URI url;
        try {
            url = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("X-Callback-Url: '" + value + "' is not a URL (" + e.getReason() + ")");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("X-Callback-Url: '" + value + "' must be an absolute http:// or https://"
                    + " URL with a host");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("X-Callback-Url: '" + value + "' carries credentials; put them elsewhere");
        }
        return url;
    }

    /**
     * Resolves {@code url}'s host and checks every address it has.
     *
     * @throws IllegalArgumentException naming the address and why it is refused
     */
    void check(URI url) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("X-Callback-Url: host '" + url.getHost() + "' is not known here");
        }
        int port = url.getPort() >= 0 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        for (InetAddress address : addresses) {
            String refused = refusal(address, port);
            if (refused != null) {
                throw new IllegalArgumentException("X-Callback-Url: " + url.getHost() + " (" + address.getHostAddress()
                        + ") is " + refused);
            }
        }
    }

    private String refusal(InetAddress address, int port) {
        boolean local = address.isLoopbackAddress() || address.isAnyLocalAddress() || isThisHost(address);
        if (local && ownPorts.get().contains(port)) {
            return "this node's own management or readiness listener (port " + port + "), which callbacks never reach";
        }
        if (allowed.contains(address)) {
            return null;
        }
        if (local) {
            return "this node itself; serve --callback-allow " + address.getHostAddress() + " allows it";
        }
        if (address.isLinkLocalAddress() || address.isMulticastAddress()) {
            return "link-local or multicast, where callbacks do not go; serve --callback-allow allows it";
        }
        if (instances.contains(address)) {
            return "in the instances' network, which callbacks do not reach";
        }
        return null;
    }

    private static boolean isThisHost(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
