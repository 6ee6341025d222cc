package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.image.GuestKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * Firecracker's {@code --config-file}: its API's {@code FullVmConfiguration}, with the
 * definitions of its published schema ({@code src/firecracker/swagger/firecracker.yaml}) as
 * records. The root drive is read-only and shared by every instance of a function version; the
 * guest's init mounts it, so it is not Firecracker's root device.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FirecrackerConfig(
        @JsonProperty("boot-source") BootSource bootSource,
        @JsonProperty("drives") List<Drive> drives,
        @JsonProperty("machine-config") MachineConfiguration machineConfig,
        @JsonProperty("network-interfaces") List<NetworkInterface> networkInterfaces,
        @JsonProperty("entropy") EntropyDevice entropy) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BootSource(@JsonProperty("kernel_image_path") String kernelImagePath,
                      @JsonProperty("initrd_path") String initrdPath,
                      @JsonProperty("boot_args") String bootArgs) {
    }

    record Drive(@JsonProperty("drive_id") String driveId,
                 @JsonProperty("path_on_host") String pathOnHost,
                 @JsonProperty("is_root_device") boolean isRootDevice,
                 @JsonProperty("is_read_only") boolean isReadOnly) {
    }

    record MachineConfiguration(@JsonProperty("vcpu_count") int vcpuCount,
                                @JsonProperty("mem_size_mib") long memSizeMib,
                                @JsonProperty("smt") boolean smt) {
    }

    record NetworkInterface(@JsonProperty("iface_id") String ifaceId,
                            @JsonProperty("host_dev_name") String hostDevName,
                            @JsonProperty("guest_mac") String guestMac) {
    }

    /** virtio-rng: the guest's entropy, so that a Node.js start never waits for the random pool. */
    record EntropyDevice() {
    }

    /** The configuration of one guest. */
    static FirecrackerConfig of(Vmm.MicrovmLaunch launch) {
        GuestNetwork network = launch.network();
        return new FirecrackerConfig(
                new BootSource(launch.kernel().image().toString(), launch.image().initramfs().toString(),
                        bootArguments(launch)),
                List.of(new Drive("rootfs", launch.image().rootDisk().toString(), false, true)),
                new MachineConfiguration(launch.vcpus(), launch.memoryMib(), false),
                List.of(networkInterface(network.link())),
                new EntropyDevice());
    }

    /**
     * A tap of the guest's own, with a MAC of its own; or, behind a namespace's NAT, the tap of
     * the same name in every namespace and the same MAC, which clones of a snapshot share.
     */
    private static NetworkInterface networkInterface(InstanceNetwork link) {
        return link.tap() ? new NetworkInterface("eth0", link.hostInterface(), link.instanceMac())
                : new NetworkInterface("eth0", GuestNat.TAP, GuestNat.GUEST_MAC);
    }

    /**
     * Firecracker's recommended arguments ({@code reboot=k panic=1 pci=off}), the console, the
     * network and the instance's settings; Firecracker adds the virtio-mmio devices itself.
     */
    static String bootArguments(Vmm.MicrovmLaunch launch) {
        List<String> arguments = new ArrayList<>(List.of("console=ttyS0", "quiet", "reboot=k", "panic=1",
                "pci=off", "ip=" + launch.network().kernelIpParameter()));
        arguments.addAll(GuestKernels.extraArguments());
        arguments.addAll(launch.instanceEnvironment());
        return String.join(" ", arguments);
    }
}
