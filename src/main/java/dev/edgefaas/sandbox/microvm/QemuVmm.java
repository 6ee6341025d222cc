package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU as the VMM of every QEMU-based sandbox; what differs between guests is a {@link QemuGuest}.
 * Common to all: the accelerator's arguments, no defaults and no display, no reboot (a guest that
 * restarts or panics ends QEMU), the console on standard output, the root disk read-only, and a
 * QMP socket to ask for the stop.
 */
final class QemuVmm implements Vmm {
    private static final String QMP_SOCKET = "qmp.sock";
    /** Where a restoring QEMU listens for its state; short, as a socket's path must be. */
    private static final String INCOMING_SOCKET = "in.sock";
    private static final String RAM_ID = "ram0";
    /** How long QEMU may take to listen on QMP, to save a guest or to restore one. */
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(30);

    private final String qemu;
    private final Accelerator accelerator;
    private final QemuGuest guest;
    private final KeptHeap restoringHeap;

    /** With the build's {@link KeptHeap} for the QEMUs that restore. */
    QemuVmm(String qemu, Accelerator accelerator, QemuGuest guest) {
        this(qemu, accelerator, guest, KeptHeap.fromBuild());
    }

    QemuVmm(String qemu, Accelerator accelerator, QemuGuest guest, KeptHeap restoringHeap) {
        this.qemu = qemu;
        this.accelerator = accelerator;
        this.guest = guest;
        this.restoringHeap = restoringHeap;
    }

    @Override
    public String sandbox() {
        return guest.sandbox();
    }

    @Override
    public InstanceNetwork takeLink(NamespacePool pool, int callbackPort) {
        return guest.sharedAddress() ? pool.takeGuestNat(callbackPort) : pool.takeTap(callbackPort);
    }

    @Override
    public boolean probesReadiness() {
        return guest.sharedAddress();
    }

    @Override
    public MicrovmInstance.ExitReport exitReport() {
        return guest.exitReport();
    }

    @Override
    public List<String> command(MicrovmLaunch launch) {
        GuestNetwork network = launch.network();
        List<String> arguments = new ArrayList<>();
        if (guest.sharedAddress()) {
            arguments.addAll(List.of("ip", "netns", "exec", network.link().name()));
        }
        GuestMemory memory = launch.memory();
        List<String> keptHeap = restoringHeap.environment();
        if (memory.restore() && !keptHeap.isEmpty()) {
            // A booting QEMU trims its heap as usual: nothing of what it touched before is needed again.
            arguments.add("env");
            arguments.addAll(keptHeap);
        }
        arguments.addAll(List.of(qemu, "-name", "edgefaas-" + launch.id(), "-M", machine(launch)
                + (memory.file() != null ? ",memory-backend=" + RAM_ID : "")));
        arguments.addAll(accelerator.qemuArguments());
        if (memory.file() != null) {
            // share=on: the saving guest's RAM is the file; share=off: a clone's writes stay its own.
            arguments.addAll(List.of("-object", "memory-backend-file,id=" + RAM_ID + ",size=" + launch.memoryMib()
                    + "M,mem-path=" + memory.file() + ",share=" + (memory.restore() ? "off" : "on")));
        }
        if (memory.restore()) {
            arguments.addAll(List.of("-incoming", "defer"));
        }
        arguments.addAll(List.of(
                "-m", launch.memoryMib() + "M", "-smp", Integer.toString(launch.vcpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio"));
        if (guest.boot() != QemuGuest.Boot.DISK) {
            arguments.addAll(List.of("-kernel", launch.kernel().image().toString()));
        }
        if (guest.boot() == QemuGuest.Boot.KERNEL_AND_INITRAMFS) {
            arguments.addAll(List.of("-initrd", launch.image().initramfs().toString()));
        }
        if (guest.boot() != QemuGuest.Boot.DISK) {
            arguments.addAll(List.of("-append", guest.commandLine().apply(launch)));
        }
        for (String device : guest.extraDevices()) {
            arguments.addAll(List.of("-device", device));
        }
        arguments.addAll(List.of(
                "-drive", "id=root,file=" + launch.image().rootDisk() + ",format=raw,if=none,readonly=on",
                "-device", virtio("blk") + ",drive=root",
                "-netdev", netdev(network),
                "-device", virtio("net") + ",netdev=net0" + mac(network) + noOptionRom(),
                "-qmp", "unix:" + launch.scratch().resolve(QMP_SOCKET) + ",server=on,wait=off"));
        return arguments;
    }

    private String machine(MicrovmLaunch launch) {
        return guest.microvm() ? "microvm,acpi=" + (launch.kernel().acpi() ? "on" : "off") : "pc";
    }

    private String virtio(String device) {
        return "virtio-" + device + (guest.microvm() ? "-device" : "-pci");
    }

    /**
     * On {@code -M pc}, a NIC brings iPXE's network boot ROM (250 KiB), which no guest here boots
     * from; it would be read at every start and, being guest memory QEMU does not share, be part
     * of every snapshot's state (a third of a Nanos guest's), copied into every clone.
     */
    private String noOptionRom() {
        return guest.microvm() ? "" : ",romfile=";
    }

    /** The guest's MAC: the one every guest behind a namespace's NAT has, else one of its own tap's; none in user mode. */
    private String mac(GuestNetwork network) {
        if (guest.sharedAddress()) {
            return ",mac=" + GuestNat.GUEST_MAC;
        }
        return network.link() != null ? ",mac=" + network.link().instanceMac() : "";
    }

    private String netdev(GuestNetwork network) {
        if (guest.sharedAddress()) {
            return "tap,id=net0,ifname=" + GuestNat.TAP + ",script=no,downscript=no";
        }
        return network.link() != null
                ? "tap,id=net0,ifname=" + network.link().hostInterface() + ",script=no,downscript=no"
                : "user,id=net0,hostfwd=tcp:127.0.0.1:" + network.loopbackPort() + "-:" + network.guestPort();
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        QmpClient.quit(scratch.resolve(QMP_SOCKET));
    }

    /** Guests that every clone can share, address included: those behind a namespace of their own. */
    @Override
    public boolean snapshots() {
        return guest.sharedAddress();
    }

    /**
     * Migrates the guest's devices' state to {@code state}; with {@code x-ignore-shared} its RAM,
     * in the shared memory file ({@code memory}), is not copied. The guest runs until the
     * migration stops it to save the devices, so the state says it was running: a clone then
     * runs as soon as it is loaded, with no {@code cont} to wait for. QEMU quits after. The state
     * must be one whose clocks a restore can set ({@link SnapshotClock}); they stopped within the
     * migration, a few milliseconds after the time taken here.
     */
    @Override
    public SavedGuest saveSnapshot(Path scratch, Process process, Path state, Path memory) throws IOException {
        try (QmpSession qmp = QmpSession.open(scratch.resolve(QMP_SOCKET), QMP_TIMEOUT, process)) {
            ignoreSharedMemory(qmp);
            Instant stopped = Instant.now();
            qmp.execute("migrate", QmpSession.arguments().put("uri", "exec:cat > " + quoted(state)));
            awaitSaved(qmp, process);
            byte[] saved = Files.readAllBytes(state);
            SnapshotClock clock = SnapshotClock.locate(saved);
            quit(qmp);
            return new SavedGuest(stopped, saved, clock);
        }
    }

    /**
     * Waits for a QEMU started with {@code -incoming defer} to listen on QMP, tells it to leave
     * shared RAM alone, and has it listen for the state on a socket in {@code scratch}: all a
     * restore then does is write the state there ({@link #awaitRestore}).
     */
    @Override
    public void awaitStandby(Path scratch, Process process) throws IOException {
        try (QmpSession qmp = QmpSession.open(scratch.resolve(QMP_SOCKET), QMP_TIMEOUT, process)) {
            ignoreSharedMemory(qmp);
            // QEMU listens before it answers.
            qmp.execute("migrate-incoming", QmpSession.arguments().put("uri", "unix:" + scratch.resolve(INCOMING_SOCKET)));
        }
    }

    /** Its RAM is on its command line: QEMU maps it at its start. */
    @Override
    public boolean mapsMemoryWhileStandingBy() {
        return true;
    }

    /**
     * Feeds {@code state} to a QEMU {@linkplain #awaitStandby listening for it} (its RAM, {@code
     * memory}, is on its command line already), written from here over a socket: no shell and
     * {@code cat} to start, as {@code exec:} would. QEMU loads what it reads as it reads it and
     * runs the guest once loaded, since the state says it was running: its {@code RESUME} event,
     * which this waits for on a QMP session opened before the state goes, while QEMU is idle. A
     * state it cannot load ends it, with the reason on its standard error.
     */
    @Override
    public void awaitRestore(Path scratch, Process process, byte[] state, Path memory) throws IOException {
        Path incoming = scratch.resolve(INCOMING_SOCKET);
        try (QmpSession qmp = QmpSession.open(scratch.resolve(QMP_SOCKET), QMP_TIMEOUT, process)) {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(incoming))) {
                ByteBuffer bytes = ByteBuffer.wrap(state);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new IOException("cannot feed the state to QEMU" + (process.isAlive() ? "" : " (it exited)") + ": "
                        + e.getMessage(), e);
            }
            try {
                qmp.awaitEvent("RESUME");
            } catch (IOException e) {
                throw new IOException("QEMU did not run the restored guest" + (process.isAlive() ? "" : " (it exited)")
                        + ": " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    /** Ends QEMU on this session: a second connection for the quit can wait unaccepted while this one closes. */
    private static void quit(QmpSession qmp) {
        try {
            qmp.execute("quit", null);
        } catch (IOException closedBeforeAnswering) {
            // QEMU may exit before its answer is out: that is the quit.
        }
    }

    /** {@code path} as one word for the shell QEMU runs an {@code exec:} migration with. */
    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    private static void ignoreSharedMemory(QmpSession qmp) throws IOException {
        ObjectNode arguments = QmpSession.arguments();
        arguments.putArray("capabilities").addObject().put("capability", "x-ignore-shared").put("state", true);
        qmp.execute("migrate-set-capabilities", arguments);
    }

    /** Waits until the save QEMU was told to start is over; QEMU's reason if it failed. */
    private static void awaitSaved(QmpSession qmp, Process process) throws IOException {
        long deadline = System.nanoTime() + QMP_TIMEOUT.toNanos();
        // A save takes tens of milliseconds: asked every millisecond, it is seen done at once.
        while (true) {
            JsonNode migration = qmp.execute("query-migrate", null);
            String status = migration.path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new IOException("saving " + status + ": " + migration.path("error-desc").asText("no reason given"));
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("saving did not finish within " + QMP_TIMEOUT.toMillis() + " ms"
                        + (process.isAlive() ? "" : " (QEMU exited)"));
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while saving", e);
            }
        }
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", guest.details().get("vmm"));
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        if (snapshots()) {
            details.put("restoring heap", restoringHeap.describe());
        }
        guest.details().forEach(details::putIfAbsent);
        return details;
    }
}
