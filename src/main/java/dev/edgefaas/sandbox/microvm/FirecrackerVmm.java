package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Firecracker, configured by {@code --config-file} (one file, written before launch, instead of
 * a sequence of API calls on the cold-start path); its API socket stays open for operators.
 * Stopped by SIGTERM, on which Firecracker exits. Guests behind a namespace's NAT (every one
 * with the same address, {@link VmBackend#behindNat}) are snapshotted: saved through the API
 * once booted and ready, and each clone restored by a Firecracker that was started ahead with
 * no configuration, on the tap of the same name in its own namespace ({@link FirecrackerSnapshots}).
 */
final class FirecrackerVmm implements Vmm {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String API_SOCKET = "firecracker.sock";
    /** The state a clone loads, written into its scratch directory: Firecracker reads it from a path. */
    private static final String CLONE_STATE = "vmstate";
    /** How long Firecracker may take to answer on its socket, to save a guest or to restore one. */
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private final String firecracker;
    private final String version;
    private final boolean behindNat;

    /** @param behindNat whether guests share one address behind a namespace's NAT, and are snapshotted */
    FirecrackerVmm(String firecracker, String version, boolean behindNat) {
        this.firecracker = firecracker;
        this.version = version;
        this.behindNat = behindNat;
    }

    @Override
    public String sandbox() {
        return FirecrackerBackend.NAME;
    }

    @Override
    public InstanceNetwork takeLink(NamespacePool pool, int callbackPort) {
        return behindNat ? pool.takeGuestNat(callbackPort) : pool.takeTap(callbackPort);
    }

    @Override
    public boolean probesReadiness() {
        return behindNat;
    }

    @Override
    public boolean snapshots() {
        return behindNat;
    }

    @Override
    public List<String> command(MicrovmLaunch launch) throws IOException {
        List<String> arguments = new ArrayList<>();
        if (behindNat) {
            arguments.addAll(List.of("ip", "netns", "exec", launch.network().link().name()));
        }
        arguments.addAll(List.of(firecracker, "--api-sock", launch.scratch().resolve(API_SOCKET).toString(),
                "--id", launch.id()));
        if (!launch.memory().restore()) {
            // A clone's Firecracker has no configuration: a snapshot load must be the first thing it is told.
            Path config = launch.scratch().resolve("vm.json");
            JSON.writeValue(config.toFile(), FirecrackerConfig.of(launch));
            arguments.addAll(List.of("--config-file", config.toString()));
        }
        return arguments;
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        process.destroy();
    }

    /**
     * Pauses the guest and writes a full snapshot: the state to {@code state}, the memory to
     * {@code memory}. Firecracker sets a clone's clocks itself, so the state is kept as it is.
     */
    @Override
    public SavedGuest saveSnapshot(Path scratch, Process process, Path state, Path memory) throws IOException {
        FirecrackerApi api = FirecrackerApi.await(scratch.resolve(API_SOCKET), API_TIMEOUT, process);
        Instant stopped = Instant.now();
        FirecrackerSnapshots.save(api, state, memory);
        return new SavedGuest(stopped, Files.readAllBytes(state), null);
    }

    /** Waits until a Firecracker started with no configuration answers on its API socket. */
    @Override
    public void awaitStandby(Path scratch, Process process) throws IOException {
        FirecrackerApi.await(scratch.resolve(API_SOCKET), API_TIMEOUT, process);
    }

    /**
     * Loads {@code state} and {@code memory} into the Firecracker {@linkplain #awaitStandby standing
     * by}, which answers on its socket already and runs the guest at once.
     */
    @Override
    public void awaitRestore(Path scratch, Process process, byte[] state, Path memory) throws IOException {
        Path clone = scratch.resolve(CLONE_STATE);
        Files.write(clone, state);
        try {
            FirecrackerApi api = new FirecrackerApi(scratch.resolve(API_SOCKET));
            FirecrackerSnapshots.restore(api, clone, memory, FirecrackerSnapshots.Version.of(version));
        } finally {
            // Firecracker is done with the state file once the load returns.
            Files.deleteIfExists(clone);
        }
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "Firecracker " + version);
        details.put("accelerator", "kvm");
        return details;
    }
}
