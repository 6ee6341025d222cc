package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;

/**
 * How one guest is wired: its own tap device on a /30 (isolated), a namespace that translates
 * for a guest with fixed settings (unikernels), or QEMU's user-mode network with the guest's
 * port forwarded to a loopback port (the manifest's {@code "network": "host"}).
 *
 * @param link          the tap or the namespace, or null for user-mode networking
 * @param loopbackPort  the host's loopback port forwarded to the guest, 0 with a link
 * @param guestPort     the port the function listens on inside the guest
 */
record GuestNetwork(InstanceNetwork link, int loopbackPort, int guestPort) {
    /** The port a guest's function listens on unless its manifest fixes another. */
    static final int DEFAULT_GUEST_PORT = 8080;
    /** QEMU's user-mode network: the guest's fixed address, and the host as the guest sees it. */
    private static final String USER_GUEST = "10.0.2.15";
    private static final String USER_HOST = "10.0.2.2";

    /** The guest's own address, as it is configured with: behind a namespace's NAT, the one every such guest has. */
    String guestAddress() {
        return behindNat() ? GuestNat.GUEST : link != null ? link.instanceAddress() : USER_GUEST;
    }

    /** The guest's gateway: the address it calls back to where it can. */
    String hostAddress() {
        return behindNat() ? GuestNat.GATEWAY : link != null ? link.hostAddress() : USER_HOST;
    }

    String netmask() {
        return behindNat() ? GuestNat.NETMASK : link != null ? link.netmask() : "255.255.255.0";
    }

    private boolean behindNat() {
        return link != null && !link.tap();
    }

    /** The kernel's {@code ip=} value: client::gateway:netmask::device:autoconf. */
    String kernelIpParameter() {
        return guestAddress() + "::" + hostAddress() + ":" + netmask() + "::eth0:off";
    }

    /** Where the platform reaches the function. */
    String endpoint() {
        return link != null ? "http://" + link.instanceAddress() + ":" + guestPort : "http://127.0.0.1:" + loopbackPort;
    }

    String describe() {
        if (link == null) {
            return "user-mode (host loopback port " + loopbackPort + ")";
        }
        return link.tap()
                ? "tap " + link.hostInterface() + ", " + link.instanceAddress() + " via " + link.hostAddress() + ", mac " + link.instanceMac()
                : "namespace " + link.name() + ", " + link.instanceAddress() + " via " + link.hostAddress()
                  + "; guest " + GuestNat.GUEST + " behind NAT";
    }
}
