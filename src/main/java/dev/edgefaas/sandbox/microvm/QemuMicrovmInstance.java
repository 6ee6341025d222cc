package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.OutputTail;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.ProcessBackedInstance;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One microVM: a QEMU process (our child, in the instance's cgroup) whose console is the
 * instance's output. The guest's init prints the function's exit status before it ends the VM,
 * so a diagnosis carries the function's code, not QEMU's.
 */
final class QemuMicrovmInstance extends ProcessBackedInstance {
    private static final long QUIT_WAIT_MILLIS = 2_000;
    private static final Pattern FUNCTION_EXIT = Pattern.compile("edgefaas-init: function exited with status (\\d+)");
    /** What a Linux guest prints when it runs out of memory: the OOM killer, or a panic for want of a victim. */
    private static final List<String> GUEST_OUT_OF_MEMORY = List.of("Out of memory: Killed process",
            "Out of memory and no killable processes", "System is deadlocked on memory");

    private final Path console;
    private final Path qmpSocket;
    private final Cgroup group;
    private final GuestNetwork network;
    private final NamespacePool namespaces;

    QemuMicrovmInstance(String id, Process process, GuestNetwork network, Path console, Path qmpSocket, Cgroup group,
                        NamespacePool namespaces, Map<String, String> details) {
        super(id, process, URI.create(network.endpoint()), console, details);
        this.console = console;
        this.qmpSocket = qmpSocket;
        this.group = group;
        this.network = network;
        this.namespaces = namespaces;
    }

    @Override
    protected OptionalInt exitCode() {
        List<String> lines = OutputTail.lastLines(console, 50);
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher matcher = FUNCTION_EXIT.matcher(lines.get(i));
            if (matcher.find()) {
                return OptionalInt.of(Integer.parseInt(matcher.group(1)));
            }
        }
        return super.exitCode();
    }

    /** The guest's kernel killed the function, or the host's killed the VMM at the group's limit. */
    @Override
    protected boolean outOfMemory(OptionalInt exitCode) {
        List<String> lines = OutputTail.lastLines(console, 200);
        return lines.stream().anyMatch(line -> GUEST_OUT_OF_MEMORY.stream().anyMatch(line::contains))
                || group != null && group.oomKills() > 0;
    }

    /** Asks QEMU to quit over QMP; kills it if it does not within two seconds. */
    @Override
    protected void stop() {
        try {
            if (process.isAlive()) {
                QmpClient.quit(qmpSocket);
                try {
                    if (!process.waitFor(QUIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(QUIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        } finally {
            try {
                if (group != null) {
                    group.close();
                    Cgroups.removeEverywhere(id());
                }
            } finally {
                if (network.tap() != null) {
                    namespaces.release(network.tap());
                }
            }
        }
    }
}
