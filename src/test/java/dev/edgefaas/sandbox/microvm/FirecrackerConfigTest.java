package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The configuration the firecracker backend writes, checked against Firecracker's published API
 * schema ({@code src/firecracker/swagger/firecracker.yaml}, v1.17.0-dev): the definitions it
 * uses are transcribed below, property by property, with their types and required fields.
 * Firecracker cannot run here, so this is what stands between us and a config it would refuse.
 */
class FirecrackerConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // From firecracker.yaml, definitions: FullVmConfiguration (the parts we use), BootSource,
    // Drive, MachineConfiguration, NetworkInterface, EntropyDevice.
    private static final Map<String, String> FULL_VM_CONFIGURATION = Map.of(
            "balloon", "object", "drives", "array:Drive", "boot-source", "object:BootSource",
            "cpu-config", "object", "logger", "object", "machine-config", "object:MachineConfiguration",
            "metrics", "object", "mmds-config", "object", "network-interfaces", "array:NetworkInterface",
            "entropy", "object:EntropyDevice");
    private static final Map<String, FirecrackerSchema> DEFINITIONS = Map.of(
            "BootSource", new FirecrackerSchema(Map.of("boot_args", "string", "initrd_path", "string",
                    "kernel_image_path", "string"), Set.of("kernel_image_path")),
            "Drive", new FirecrackerSchema(Map.of("drive_id", "string", "partuuid", "string", "is_root_device", "boolean",
                    "cache_type", "string", "is_read_only", "boolean", "path_on_host", "string",
                    "rate_limiter", "object", "io_engine", "string", "socket", "string"),
                    Set.of("drive_id", "is_root_device")),
            "MachineConfiguration", new FirecrackerSchema(Map.of("cpu_template", "string", "smt", "boolean",
                    "mem_size_mib", "integer", "track_dirty_pages", "boolean", "vcpu_count", "integer",
                    "huge_pages", "string"), Set.of("mem_size_mib", "vcpu_count")),
            "NetworkInterface", new FirecrackerSchema(Map.of("guest_mac", "string", "host_dev_name", "string",
                    "iface_id", "string", "mtu", "integer", "rx_rate_limiter", "object", "tx_rate_limiter", "object"),
                    Set.of("host_dev_name", "iface_id")),
            "EntropyDevice", new FirecrackerSchema(Map.of("rate_limiter", "object"), Set.of()));

    @Test
    void theGeneratedConfigurationMatchesFirecrackersSchema() {
        JsonNode config = JSON.valueToTree(FirecrackerConfig.of(launch()));

        List<String> violations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = config.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String type = FULL_VM_CONFIGURATION.get(field.getKey());
            if (type == null) {
                violations.add("FullVmConfiguration has no property '" + field.getKey() + "'");
                continue;
            }
            String[] parts = type.split(":");
            if (parts[0].equals("array")) {
                field.getValue().forEach(item -> check(parts[1], item, field.getKey() + "[]", violations));
            } else if (parts.length == 2) {
                check(parts[1], field.getValue(), field.getKey(), violations);
            }
        }

        assertThat(violations).isEmpty();
        assertThat(config.fieldNames()).toIterable()
                .contains("boot-source", "drives", "machine-config", "network-interfaces");
    }

    @Test
    void theSchemaCheckCatchesAMisspeltOrMissingField() {
        List<String> violations = new ArrayList<>();
        check("MachineConfiguration", JSON.createObjectNode().put("vcpus", 1), "machine-config", violations);

        assertThat(violations).containsExactlyInAnyOrder(
                "machine-config: MachineConfiguration has no property 'vcpus'",
                "machine-config: MachineConfiguration requires 'mem_size_mib'",
                "machine-config: MachineConfiguration requires 'vcpu_count'");
    }

    @Test
    void theGuestGetsItsSettingsOnTheKernelCommandLineAndTheSharedRootDiskReadOnly() {
        FirecrackerConfig config = FirecrackerConfig.of(launch());

        assertThat(config.bootSource().bootArgs())
                .contains("console=ttyS0", "reboot=k", "panic=1", "pci=off",
                        "ip=10.230.0.2::10.230.0.1:255.255.255.252::eth0:off",
                        "EDGEFAAS_CALLBACK_URL=http://10.230.0.1:9000/ready/fn-1");
        assertThat(config.drives()).singleElement().satisfies(drive -> {
            assertThat(drive.isReadOnly()).isTrue();
            assertThat(drive.isRootDevice()).isFalse();
        });
        assertThat(config.machineConfig().vcpuCount()).isEqualTo(1);
        assertThat(config.machineConfig().memSizeMib()).isEqualTo(512);
        assertThat(config.networkInterfaces().getFirst().guestMac()).isEqualTo("02:ef:0a:e6:00:02");
    }

    private static void check(String definitionName, JsonNode value, String where, List<String> violations) {
        FirecrackerSchema.check(DEFINITIONS, definitionName, value, where, violations);
        if (value.has("vcpu_count") && (value.get("vcpu_count").asInt() < 1 || value.get("vcpu_count").asInt() > 32)) {
            violations.add(where + ".vcpu_count: outside 1..32");
        }
    }

    private static Vmm.MicrovmLaunch launch() {
        InstanceNetwork tap = new InstanceNetwork("ef1-1t", "ef1-1t", new AddressPool("10.230.0.0/16").allocate(), true);
        GuestKernel kernel = new GuestKernel(Path.of("/cache/kernel/minimal/vmlinux"), "minimal", List.of(), false);
        GuestImage image = new GuestImage(Path.of("/cache/guest/fn/initramfs.cpio"), Path.of("/cache/guest/fn/rootfs.ext4"), "ab");
        return new Vmm.MicrovmLaunch("fn-1", kernel, image, new GuestNetwork(tap, 0, 8080), 1, 512, Path.of("/tmp/fn-1"),
                List.of("PORT=8080", "EDGEFAAS_INSTANCE_ID=fn-1", "EDGEFAAS_CALLBACK_URL=http://10.230.0.1:9000/ready/fn-1"),
                Vmm.GuestMemory.ANONYMOUS);
    }
}
