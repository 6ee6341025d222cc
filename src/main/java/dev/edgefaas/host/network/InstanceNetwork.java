package dev.edgefaas.host.network;

import java.nio.file.Path;

/**
 * An instance's link to the host over one /30: a network namespace joined by a veth pair (for
 * containers) or a tap device (for virtual machines). The instance reaches only the host's end,
 * and the host reaches the instance at {@link #instanceAddress()}. The host firewall drops
 * whatever the instance would send through the host to anywhere else.
 *
 * @param name          the namespace's name, or the tap's
 * @param hostInterface the host's end: the veth peer, or the tap itself
 * @param tap           whether this is a tap device with no namespace
 */
public record InstanceNetwork(String name, String hostInterface, AddressPool.Link link, boolean tap) {

    /** The path an OCI runtime joins, {@code /run/netns/NAME}. */
    public Path path() {
        if (tap) {
            throw new IllegalStateException(name + " is a tap device, not a network namespace");
        }
        return Path.of("/run/netns", name);
    }

    /** A MAC address unique among the host's links: locally administered, ending in the instance's IPv4 address. */
    public String instanceMac() {
        String[] octets = instanceAddress().split("\\.");
        StringBuilder mac = new StringBuilder("02:ef");
        for (String octet : octets) {
            mac.append(String.format(":%02x", Integer.parseInt(octet)));
        }
        return mac.toString();
    }

    /** The netmask of the link, dotted, e.g. {@code 255.255.255.252}. */
    public String netmask() {
        return "255.255.255.252";
    }

    public String hostAddress() {
        return link.host();
    }

    public String instanceAddress() {
        return link.instance();
    }
}
