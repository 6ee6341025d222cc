package dev.edgefaas.host.network;

import java.util.List;

/**
 * The inside of a namespace that holds a guest whose network settings cannot differ per
 * instance (a unikernel whose image carries them): every such guest has the same address on a
 * tap in its own namespace, and the namespace translates. The host reaches the guest's port at
 * the namespace's own link address (DNAT); the guest reaches nothing it did not answer.
 */
public final class GuestNat {
    /** The tap inside every such namespace. */
    public static final String TAP = "tap0";
    public static final String GATEWAY = "192.168.127.1";
    public static final String GUEST = "192.168.127.2";
    public static final String NETMASK = "255.255.255.252";
    public static final int PORT = 8080;

    private GuestNat() {
    }

    /**
     * The tap's own address, the same in every namespace: a guest restored from a snapshot has the
     * gateway's in its ARP cache and keeps sending there.
     */
    public static final String GATEWAY_MAC = "02:ed:fa:a5:00:01";
    /**
     * The guest's own, which its VMM gives it; every clone has it. The namespace knows it from
     * the start (a permanent neighbour entry), so that a restored guest's first packet is the
     * connection, not an ARP request it must answer first.
     */
    public static final String GUEST_MAC = "02:ed:fa:a5:00:02";

    /** {@code ip -n NS -batch} commands that make the tap. */
    static List<String> tapCommands() {
        return List.of(
                "tuntap add " + TAP + " mode tap",
                "link set " + TAP + " address " + GATEWAY_MAC,
                "addr add " + GATEWAY + "/30 dev " + TAP,
                "link set " + TAP + " up",
                "neigh replace " + GUEST + " lladdr " + GUEST_MAC + " dev " + TAP + " nud permanent");
    }

    /** The rules, for {@code iptables-restore} inside the namespace. */
    static String rules() {
        return String.join("\n",
                "*nat",
                ":PREROUTING ACCEPT [0:0]",
                ":POSTROUTING ACCEPT [0:0]",
                "-A PREROUTING -i eth0 -p tcp --dport " + PORT + " -j DNAT --to-destination " + GUEST + ":" + PORT,
                // From the tap's own address: a guest needs no route beyond its link (Linux's init adds none).
                "-A POSTROUTING -o " + TAP + " -j SNAT --to-source " + GATEWAY,
                "COMMIT",
                "*filter",
                ":INPUT ACCEPT [0:0]",
                ":FORWARD DROP [0:0]",
                ":OUTPUT ACCEPT [0:0]",
                "-A INPUT -i " + TAP + " -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A INPUT -i " + TAP + " -j DROP",
                "-A FORWARD -i eth0 -o " + TAP + " -p tcp -d " + GUEST + " --dport " + PORT + " -j ACCEPT",
                "-A FORWARD -i " + TAP + " -o eth0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "COMMIT", "");
    }
}
