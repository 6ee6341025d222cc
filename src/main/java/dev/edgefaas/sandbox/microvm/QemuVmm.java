package dev.edgefaas.sandbox.microvm;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** QEMU's {@code microvm} machine, KVM or TCG; stopped over QMP. */
final class QemuVmm implements Vmm {
    private static final String QMP_SOCKET = "qmp.sock";

    private final String qemu;
    private final Accelerator accelerator;

    QemuVmm(String qemu, Accelerator accelerator) {
        this.qemu = qemu;
        this.accelerator = accelerator;
    }

    @Override
    public String sandbox() {
        return QemuMicrovmBackend.NAME;
    }

    @Override
    public List<String> command(MicrovmLaunch launch) {
        return new QemuCommand(qemu, accelerator, launch.kernel(), launch.image(), launch.network(), launch.vcpus(),
                launch.memoryMib(), launch.scratch().resolve(QMP_SOCKET), launch.instanceEnvironment())
                .arguments("edgefaas-" + launch.id());
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        QmpClient.quit(scratch.resolve(QMP_SOCKET));
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "QEMU microvm");
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        return details;
    }
}
