package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.Executables;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestArtifacts;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.GuestKernels;
import dev.edgefaas.image.MinimalKernel;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.PreparedFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs each instance as a Linux microVM on QEMU's {@code microvm} machine: KVM where it can run
 * a guest, else TCG (said in {@code doctor} and every instance's details). The guest boots a
 * kernel from {@link GuestKernels} with the function's initramfs and read-only ext4 root; each
 * VM gets a tap device on its own /30 from the shared pool, and the VMM runs in the instance's
 * cgroup.
 */
public final class QemuMicrovmBackend extends VmBackend<String> {
    public static final String NAME = "qemu-microvm";

    private final GuestArtifacts artifacts;

    /**
     * @param cacheRoot  where kernels, root file systems and guest images are cached, e.g. {@code /var/cache/edgefaas}
     * @param namespaces the shared pool tap devices come from; null where the backend only probes
     */
    public QemuMicrovmBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        super(NAME, BackendScope.rootFileSystems(), QEMU, cgroups, cacheRoot, namespaces);
        this.artifacts = new GuestArtifacts(cacheRoot);
    }

    /** @return QEMU's path */
    @Override
    protected String checkHost(HostNeeds needs) {
        Optional<String> qemu = needQemu(needs);
        needs.check(GuestArtifacts::checkTools);
        needs.require(artifacts.kernels().find().isPresent() || Executables.find("apt-get").isPresent(),
                "no guest kernel (looked at " + artifacts.kernels().whereLooked()
                        + ") and no apt-get to fetch Debian's: set EDGEFAAS_KERNEL to a vmlinux or bzImage");
        return qemu.orElse(null);
    }

    @Override
    protected Availability describe(String qemu) {
        Accelerator accelerator = Accelerator.detect(qemu);
        GuestKernels kernels = artifacts.kernels();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("qemu", qemu);
        details.put("accelerator", accelerator.describe());
        Optional<GuestKernel> kernel = kernels.find();
        details.put("kernel", kernel.map(GuestKernel::describe)
                .orElse("none yet: Debian's cloud kernel is fetched on first deploy (looked at " + kernels.whereLooked() + ")"));
        details.put("minimal kernel", Files.isRegularFile(MinimalKernel.output(kernels.cache()))
                ? MinimalKernel.output(kernels.cache()).toString() : "not built ('edgefaas kernel build' makes it)");
        details.put("network", "a tap device per instance, /30 link; \"network\": \"host\" uses QEMU's user-mode network");
        return Availability.usable(accelerator.name(), details);
    }

    @Override
    protected PreparedFunction prepareGuest(String qemu, FunctionManifest manifest) {
        GuestArtifacts.Prepared prepared = artifacts.prepare(manifest);
        boolean behindNat = behindNat(manifest);
        warmUpNetwork(manifest, behindNat);
        Accelerator accelerator = Accelerator.detect(qemu);
        return function(manifest, new QemuVmm(qemu, accelerator, QemuGuest.linux(accelerator, behindNat)),
                prepared.kernel(), prepared.image());
    }
}
