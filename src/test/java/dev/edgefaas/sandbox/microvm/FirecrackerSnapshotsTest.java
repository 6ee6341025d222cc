package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's snapshots as this backend asks for them. Firecracker cannot run here (no KVM),
 * so two things stand in: the bodies are checked against the definitions of its published API
 * schema ({@code src/firecracker/swagger/firecracker.yaml}, v1.17.0-dev), transcribed below;
 * and the conversation runs over a real Unix socket against a server that records what it is
 * asked and answers as the schema says Firecracker does, or refuses, to see the refusal reach
 * the caller. Where Firecracker runs, {@code FirecrackerContractTest} and the snapshot tests
 * run the real one.
 */
class FirecrackerSnapshotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, FirecrackerSchema> DEFINITIONS = Map.of(
            "Vm", new FirecrackerSchema(Map.of("state", "string"), Set.of("state")),
            "SnapshotCreateParams", new FirecrackerSchema(Map.of("mem_file_path", "string", "snapshot_path", "string",
                    "snapshot_type", "string"), Set.of("mem_file_path", "snapshot_path")),
            "SnapshotLoadParams", new FirecrackerSchema(Map.of("enable_diff_snapshots", "boolean", "track_dirty_pages", "boolean",
                    "mem_file_path", "string", "mem_backend", "object", "snapshot_path", "string", "resume_vm", "boolean",
                    "network_overrides", "array", "vsock_override", "object", "clock_realtime", "boolean"),
                    Set.of("snapshot_path")),
            "MemoryBackend", new FirecrackerSchema(Map.of("backend_type", "string", "backend_path", "string"),
                    Set.of("backend_type", "backend_path")));

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;
    private Thread serving;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
            serving.join();
        }
    }

    @Test
    void theBodiesMatchFirecrackersSchema() {
        List<String> violations = new ArrayList<>();
        check("Vm", JSON.valueToTree(new FirecrackerSnapshots.Vm("Paused")), violations);
        check("SnapshotCreateParams", JSON.valueToTree(new FirecrackerSnapshots.SnapshotCreateParams("Full", "/s/state",
                "/s/ram")), violations);
        JsonNode load = JSON.valueToTree(FirecrackerSnapshots.load(Path.of("/i/vmstate"), Path.of("/s/ram"),
                new FirecrackerSnapshots.Version(1, 17)));
        check("SnapshotLoadParams", load, violations);
        check("MemoryBackend", load.get("mem_backend"), violations);

        assertThat(violations).isEmpty();
        assertThat(load.get("mem_backend").get("backend_type").asText()).isEqualTo("File");
        assertThat(load.get("resume_vm").asBoolean()).isTrue();
    }

    @Test
    void theSchemaCheckCatchesAnUnknownOrMissingField() {
        List<String> violations = new ArrayList<>();
        check("SnapshotLoadParams", JSON.createObjectNode().put("mem_file", "/s/ram"), violations);

        assertThat(violations).containsExactlyInAnyOrder(
                "SnapshotLoadParams: SnapshotLoadParams has no property 'mem_file'",
                "SnapshotLoadParams: SnapshotLoadParams requires 'snapshot_path'");
    }

    @Test
    void onlyAReleaseThatKnowsClockRealtimeIsToldToMoveTheGuestClockOn() {
        FirecrackerSnapshots.Version older = FirecrackerSnapshots.Version.of("Firecracker v1.16.1");
        FirecrackerSnapshots.Version newer = FirecrackerSnapshots.Version.of("Firecracker v1.17.0-dev");

        assertThat(older).isEqualTo(new FirecrackerSnapshots.Version(1, 16));
        assertThat(JSON.valueToTree(FirecrackerSnapshots.load(Path.of("/v"), Path.of("/r"), older)).has("clock_realtime"))
                .isFalse();
        assertThat(JSON.valueToTree(FirecrackerSnapshots.load(Path.of("/v"), Path.of("/r"), newer))
                .get("clock_realtime").asBoolean()).isTrue();
        assertThat(FirecrackerSnapshots.Version.of("unknown version")).isEqualTo(new FirecrackerSnapshots.Version(0, 0));
    }

    @Test
    void aSavePausesTheGuestThenWritesAFullSnapshotOfStateAndMemory(@TempDir Path directory) throws Exception {
        Path socket = serve(directory, 204, "");

        FirecrackerSnapshots.save(new FirecrackerApi(socket), directory.resolve("state"), directory.resolve("ram"));

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).startsWith("PATCH /vm HTTP/1.1").endsWith("{\"state\":\"Paused\"}");
        assertThat(requests.get(1)).startsWith("PUT /snapshot/create HTTP/1.1").contains("Content-Type: application/json")
                .endsWith("{\"snapshot_type\":\"Full\",\"snapshot_path\":\"" + directory.resolve("state")
                        + "\",\"mem_file_path\":\"" + directory.resolve("ram") + "\"}");
    }

    @Test
    void aRestoreLoadsTheStateWithTheMemoryFileAndResumes(@TempDir Path directory) throws Exception {
        Path socket = serve(directory, 204, "");

        FirecrackerSnapshots.restore(new FirecrackerApi(socket), directory.resolve("vmstate"), directory.resolve("ram"),
                new FirecrackerSnapshots.Version(1, 16));

        assertThat(requests).singleElement().satisfies(request -> {
            assertThat(request).startsWith("PUT /snapshot/load HTTP/1.1");
            JsonNode body = JSON.readTree(request.substring(request.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("snapshot_path").asText()).isEqualTo(directory.resolve("vmstate").toString());
            assertThat(body.get("mem_backend").get("backend_path").asText()).isEqualTo(directory.resolve("ram").toString());
            assertThat(body.get("resume_vm").asBoolean()).isTrue();
        });
    }

    @Test
    void aRefusalReachesTheCallerWithFirecrackersFaultMessage(@TempDir Path directory) throws Exception {
        Path socket = serve(directory, 400, "{\"fault_message\":\"Cannot deserialize the snapshot: bad version\"}");

        assertThatThrownBy(() -> FirecrackerSnapshots.restore(new FirecrackerApi(socket), directory.resolve("vmstate"),
                directory.resolve("ram"), new FirecrackerSnapshots.Version(1, 16)))
                .isInstanceOf(IOException.class)
                .hasMessage("PUT /snapshot/load answered 400: Cannot deserialize the snapshot: bad version");
    }

    @Test
    void aCloneIsStartedWithoutConfigurationInItsNamespaceAndABootWithItsConfigFile(@TempDir Path scratch)
            throws Exception {
        FirecrackerVmm vmm = new FirecrackerVmm("/usr/bin/firecracker", "Firecracker v1.16.1", true);
        InstanceNetwork nat = new InstanceNetwork("ef1-n1", "ef1-n1h", new AddressPool("10.232.0.0/16").allocate(), false);

        List<String> clone = vmm.command(launch(scratch, nat, Vmm.GuestMemory.restoring(scratch.resolve("ram"))));
        List<String> boot = vmm.command(launch(scratch, nat, Vmm.GuestMemory.saving(scratch.resolve("ram"))));

        assertThat(clone).containsExactly("ip", "netns", "exec", "ef1-n1", "/usr/bin/firecracker", "--api-sock",
                scratch.resolve("firecracker.sock").toString(), "--id", "fn-1");
        assertThat(boot).endsWith("--config-file", scratch.resolve("vm.json").toString());
        JsonNode nic = JSON.readTree(scratch.resolve("vm.json").toFile()).get("network-interfaces").get(0);
        assertThat(nic.get("host_dev_name").asText()).isEqualTo(GuestNat.TAP);
        assertThat(nic.get("guest_mac").asText()).as("every clone has the same MAC").isEqualTo(GuestNat.GUEST_MAC);
        assertThat(vmm.snapshots()).isTrue();
        assertThat(new FirecrackerVmm("/usr/bin/firecracker", "Firecracker v1.16.1", false).snapshots()).isFalse();
    }

    private static Vmm.MicrovmLaunch launch(Path scratch, InstanceNetwork link, Vmm.GuestMemory memory) {
        GuestKernel kernel = new GuestKernel(Path.of("/cache/kernel/minimal/vmlinux"), "minimal", List.of(), false);
        GuestImage image = new GuestImage(Path.of("/cache/guest/fn/initramfs.cpio"), Path.of("/cache/guest/fn/rootfs.ext4"), "ab");
        return new Vmm.MicrovmLaunch("fn-1", kernel, image, new GuestNetwork(link, 0, 8080), 1, 512, scratch,
                List.of("PORT=8080"), memory);
    }

    /** Serves each connection's one request on a socket in {@code directory}, answering {@code status} and {@code body}. */
    private Path serve(Path directory, int status, String body) throws IOException {
        Path socket = directory.resolve("api.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        serving = Thread.ofVirtual().start(() -> {
            while (true) {
                try (SocketChannel connection = server.accept()) {
                    requests.add(readRequest(Channels.newInputStream(connection)));
                    OutputStream out = Channels.newOutputStream(connection);
                    String reason = status == 204 ? "No Content" : "Bad Request";
                    out.write(("HTTP/1.1 " + status + " " + reason + "\r\nServer: Firecracker API\r\n"
                            + (body.isEmpty() ? "" : "Content-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n") + "\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return socket;
    }

    /** One request: its head, and a body of its Content-Length. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the request ended early");
            }
            received.write(next);
            String text = received.toString(StandardCharsets.US_ASCII);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                int length = text.lines().filter(line -> line.startsWith("Content-Length: "))
                        .mapToInt(line -> Integer.parseInt(line.substring("Content-Length: ".length()))).findFirst()
                        .orElse(0);
                if (text.length() - headEnd - 4 == length) {
                    return text;
                }
            }
        }
    }

    private static void check(String name, JsonNode value, List<String> violations) {
        FirecrackerSchema.check(DEFINITIONS, name, value, name, violations);
    }
}
