package dev.edgefaas.host.network;

import java.nio.file.Path;

/**
 * A network namespace joined to the host by a veth pair over one /30: the instance inside
 * reaches only the host's end, and the host reaches the instance at {@link #instanceAddress()}.
 * With no default route inside and forwarding off, it reaches no other namespace.
 */
public record InstanceNetwork(String name, String hostInterface, AddressPool.Link link) {

    /** The path an OCI runtime joins, {@code /run/netns/NAME}. */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    public String hostAddress() {
        return link.host();
    }

    public String instanceAddress() {
        return link.instance();
    }
}
