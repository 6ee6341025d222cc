package dev.edgefaas.host.network;

import dev.edgefaas.host.BackgroundWork;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.ThreadFactories;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Network namespaces (for containers) and tap devices (for virtual machines) made ahead of need,
 * so that wiring one (one to three processes of {@code ip}, at 10-20 ms each here) stays off the
 * cold-start path. Each serves one instance and is destroyed after it; a fresh one replaces it in
 * the background. Each is recorded in the state directory before it is created, so the reaper of
 * a later run removes what a crashed one left.
 */
public final class NamespacePool implements AutoCloseable {
    /** Every host-side link starts with it; the firewall matches on it. */
    static final String INTERFACE_PREFIX = "ef";
    public static final String RECORD_BACKEND = "netns";
    public static final String FIREWALL_RECORD_BACKEND = "firewall";
    private static final String RECORD_INTERFACE_PREFIX = "interface-prefix";
    private static final String RECORD_NAMESPACE = "netns";
    private static final String RECORD_INTERFACE = "host-interface";
    private static final Logger LOG = Logger.getLogger(NamespacePool.class.getName());

    private final AddressPool addresses;
    private final StateDirectory state;
    private final int spares;
    /** Names are unique per run, so a run never touches another's namespaces. */
    private final String runToken = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 5);
    private final AtomicInteger counter = new AtomicInteger();
    private final HostFirewall firewall;
    private final Spares namespaceSpares = new Spares(Kind.NAMESPACE);
    private final Spares tapSpares = new Spares(Kind.TAP);
    private final Spares guestNatSpares = new Spares(Kind.GUEST_NAT);
    /** The callback port this pool let through the firewall, 0 before the first instance. */
    private final AtomicInteger allowedCallbackPort = new AtomicInteger();
    private volatile boolean closed;

    private record Entry(InstanceNetwork network, InstanceRecord record) {
    }

    /** What a link is: a namespace with a veth (containers), a tap (VMs), or a namespace with a NAT'd tap ({@link GuestNat}). */
    private enum Kind { NAMESPACE, TAP, GUEST_NAT }

    /** The ready links of one kind and how many are being made. */
    private record Spares(Kind kind, LinkedBlockingDeque<Entry> ready, AtomicInteger refilling) {
        Spares(Kind kind) {
            this(kind, new LinkedBlockingDeque<>(), new AtomicInteger());
        }
    }

    /**
     * @param spares how many ready namespaces to keep; 0 makes every one on demand
     */
    public NamespacePool(AddressPool addresses, StateDirectory state, int spares) {
        this.addresses = addresses;
        this.state = state;
        this.spares = spares;
        this.firewall = new HostFirewall(namePrefix());
    }

    /** The state directory the pool records into; backends keep their in-memory files beside it. */
    public StateDirectory state() {
        return state;
    }

    /**
     * A ready namespace for one instance whose callback goes to {@code callbackPort}; made now
     * if none is waiting. The first call installs the firewall that lets instances reach that
     * port and nothing else on the host. Hand it back with {@link #release}.
     */
    public InstanceNetwork take(int callbackPort) {
        return take(namespaceSpares, callbackPort);
    }

    /** A ready tap device for one virtual machine, as {@link #take} gives namespaces. */
    public InstanceNetwork takeTap(int callbackPort) {
        return take(tapSpares, callbackPort);
    }

    /**
     * A ready namespace for a guest with the fixed settings of {@link GuestNat}: the VMM runs in
     * it, the guest's port is reached at its {@link InstanceNetwork#instanceAddress()}.
     */
    public InstanceNetwork takeGuestNat(int callbackPort) {
        return take(guestNatSpares, callbackPort);
    }

    private InstanceNetwork take(Spares kind, int callbackPort) {
        // Port 0: an instance that never calls back (a benchmark's raw container); no firewall of ours then.
        if (callbackPort > 0 && allowedCallbackPort.compareAndSet(0, callbackPort)) {
            // Recorded first, like every host resource: a crashed run's chain is removed by the next.
            state.newRecord(firewallRecord(), FIREWALL_RECORD_BACKEND).put(RECORD_INTERFACE_PREFIX, namePrefix());
            firewall.allow(callbackPort);
        }
        Entry entry = kind.ready().pollFirst();
        refill(kind);
        return (entry != null ? entry : create(kind.kind())).network();
    }

    /** Destroys a namespace an instance is done with. Idempotent. */
    public void release(InstanceNetwork network) {
        destroy(network);
        addresses.release(network.link());
        state.recordOf(network.name()).ifPresent(InstanceRecord::delete);
    }

    private void refill(Spares kind) {
        if (closed || kind.ready().size() + kind.refilling().get() >= spares) {
            return;
        }
        kind.refilling().incrementAndGet();
        BackgroundWork.Token work = BackgroundWork.begin();
        ThreadFactories.startVirtual("netns-refill", () -> {
            try (work) {
                Entry entry = create(kind.kind());
                if (closed) {
                    destroy(entry.network());
                    entry.record().delete();
                } else {
                    kind.ready().offerLast(entry);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot make a spare link (" + kind.kind() + ")", e);
            } finally {
                kind.refilling().decrementAndGet();
            }
        });
    }

    /** How many links of each kind the pool keeps ready, as the size of other pools of things started ahead. */
    public int sparesPerKind() {
        return spares;
    }

    /** How many namespaces are ready now. */
    public int spares() {
        return namespaceSpares.ready().size();
    }

    /** Starts keeping spare namespaces, so that the first instances find some ready. Idempotent. */
    public void warmUp() {
        warmUp(namespaceSpares);
    }

    /** Starts keeping spare tap devices. Idempotent. */
    public void warmUpTaps() {
        warmUp(tapSpares);
    }

    /** Starts keeping spare guest namespaces. Idempotent. */
    public void warmUpGuestNats() {
        warmUp(guestNatSpares);
    }

    private void warmUp(Spares kind) {
        for (int i = 0; i < spares; i++) {
            refill(kind);
        }
    }

    private Entry create(Kind kind) {
        boolean tap = kind == Kind.TAP;
        String name = namePrefix() + "-" + counter.incrementAndGet() + (tap ? "t" : "");
        String hostInterface = tap ? name : name + "h";
        AddressPool.Link link = addresses.allocate();
        InstanceRecord record = state.newRecord(name, RECORD_BACKEND);
        if (!tap) {
            record.put(RECORD_NAMESPACE, name);
        }
        record.put(RECORD_INTERFACE, hostInterface);
        InstanceNetwork network = new InstanceNetwork(name, hostInterface, link, tap);
        try {
            if (tap) {
                IpCommand.batch(List.of(), List.of(
                        "tuntap add " + name + " mode tap",
                        "addr add " + link.host() + "/" + AddressPool.Link.PREFIX + " dev " + name,
                        "link set " + name + " up"));
            } else {
                IpCommand.batch(List.of(), List.of(
                        "netns add " + name,
                        "link add " + hostInterface + " type veth peer name eth0 netns " + name,
                        "addr add " + link.host() + "/" + AddressPool.Link.PREFIX + " dev " + hostInterface,
                        "link set " + hostInterface + " up"));
                List<String> inside = new ArrayList<>(List.of(
                        "addr add " + link.instance() + "/" + AddressPool.Link.PREFIX + " dev eth0",
                        "link set eth0 up",
                        "link set lo up"));
                if (kind == Kind.GUEST_NAT) {
                    inside.addAll(GuestNat.tapCommands());
                }
                IpCommand.batch(List.of("-n", name), inside);
                if (kind == Kind.GUEST_NAT) {
                    // Forwarding on and the rules in, from one process in the namespace: a process
                    // costs 10-20 ms here, and this runs when a burst finds no spare.
                    IpCommand.run(List.of("ip", "netns", "exec", name, "sh", "-c",
                            "echo 1 > /proc/sys/net/ipv4/ip_forward && exec iptables-restore"), GuestNat.rules());
                }
            }
            return new Entry(network, record);
        } catch (RuntimeException e) {
            destroy(network);
            addresses.release(link);
            record.delete();
            throw e;
        }
    }

    private static void destroy(InstanceNetwork network) {
        remove(network.tap() ? null : network.name(), network.hostInterface());
    }

    /**
     * Deletes a host-side link and the namespace it leads into (either may be null or gone) with
     * one {@code ip}. The link goes first: deleting a veth takes its peer in the namespace with
     * it at once, where a deleted namespace's links go later, in the kernel's cleanup.
     */
    private static void remove(String namespace, String hostInterface) {
        List<String> commands = new ArrayList<>();
        if (hostInterface != null) {
            commands.add("link del " + hostInterface);
        }
        if (namespace != null) {
            commands.add("netns del " + namespace);
        }
        if (!commands.isEmpty()) {
            IpCommand.batchQuietly(commands);
        }
    }

    /** Removes the firewall chain a crashed run recorded. */
    public static void reapFirewall(InstanceRecord record) {
        record.get(RECORD_INTERFACE_PREFIX).ifPresent(prefix -> new HostFirewall(prefix).withdraw());
    }

    /** What the names of this pool's namespaces and links start with. */
    public String namePrefix() {
        return INTERFACE_PREFIX + runToken;
    }

    private String firewallRecord() {
        return "firewall-" + namePrefix();
    }

    /** Removes a namespace a crashed run recorded. */
    public static void reap(InstanceRecord record) {
        remove(record.get(RECORD_NAMESPACE).orElse(null), record.get(RECORD_INTERFACE).orElse(null));
    }

    /** Destroys the spares and the firewall rules; namespaces in use are released by their instances. */
    @Override
    public void close() {
        closed = true;
        for (Spares kind : List.of(namespaceSpares, tapSpares, guestNatSpares)) {
            for (Entry entry = kind.ready().pollFirst(); entry != null; entry = kind.ready().pollFirst()) {
                destroy(entry.network());
                addresses.release(entry.network().link());
                entry.record().delete();
            }
        }
        if (allowedCallbackPort.get() > 0) {
            firewall.withdraw();
            state.recordOf(firewallRecord()).ifPresent(InstanceRecord::delete);
        }
    }
}
