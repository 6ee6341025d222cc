package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.OutputTail;
import dev.edgefaas.host.Shutdown;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.logs.LineSink;
import dev.edgefaas.sandbox.OutputPump;
import dev.edgefaas.sandbox.ProcessBackedInstance;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One microVM: a VMM process (our child, in the instance's cgroup) whose console is the
 * instance's output. A diagnosis carries the function's exit status, however the guest reports
 * it ({@link ExitReport}), not QEMU's.
 */
final class MicrovmInstance extends ProcessBackedInstance {
    private static final long STOP_WAIT_MILLIS = 2_000;
    private static final long SETTLE_WINDOW_MILLIS = 50;
    private static final Pattern FUNCTION_EXIT = Pattern.compile("edgefaas-init: function exited with status (\\d+)");
    /** The console is short (the kernel boots quietly), but a goroutine dump may push the cause far up. */
    private static final long CONSOLE_SCAN_BYTES = 4L * 1024 * 1024;

    /** Asks the VMM to exit, given the instance's scratch directory and the VMM's process. */
    private final BiConsumer<Path, Process> requestStop;
    private final Path console;
    private final Path scratch;
    private final Cgroup group;
    private final GuestNetwork network;
    private final NamespacePool namespaces;
    private final ExitReport exitReport;

    /** How a guest tells the host its function's exit status. */
    enum ExitReport {
        /** The guest's init prints it on the console (Linux guests). */
        CONSOLE,
        /** The guest writes it to QEMU's isa-debug-exit, and QEMU exits with (status << 1) | 1 (Nanos). */
        DEBUG_EXIT,
        /** Not at all (OSv powers off whatever the status). */
        NONE
    }

    MicrovmInstance(String id, Process process, BiConsumer<Path, Process> requestStop, GuestNetwork network,
                    Path console, Path scratch, Cgroup group, NamespacePool namespaces, Map<String, String> details,
                    ExitReport exitReport) {
        super(id, process, URI.create(network.endpoint()), console, details);
        this.requestStop = requestStop;
        this.console = console;
        this.scratch = scratch;
        this.group = group;
        this.network = network;
        this.namespaces = namespaces;
        this.exitReport = exitReport;
    }

    @Override
    protected OptionalInt exitCode() {
        OptionalInt vmm = super.exitCode();
        return switch (exitReport) {
            case CONSOLE -> {
                List<String> lines = OutputTail.lastLines(console, 50);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    Matcher matcher = FUNCTION_EXIT.matcher(lines.get(i));
                    if (matcher.find()) {
                        yield OptionalInt.of(Integer.parseInt(matcher.group(1)));
                    }
                }
                yield vmm;
            }
            case DEBUG_EXIT -> vmm.isPresent() && (vmm.getAsInt() & 1) == 1 ? OptionalInt.of(vmm.getAsInt() >> 1) : vmm;
            // A VMM that exited 0 says nothing of the function; one that failed (a QEMU error) says that.
            case NONE -> vmm.isPresent() && vmm.getAsInt() != 0 ? vmm : OptionalInt.empty();
        };
    }

    /**
     * From now on the guest's console lines go to {@code log} through a {@link GuestOutOfMemoryWatch}
     * that kills the VMM at the first saying the function ran out of the VM's memory; its exit is
     * then diagnosed as out of memory from the same line.
     */
    void watchConsole(LineSink log) {
        OutputPump pump = outputPump();
        if (pump != null) {
            pump.logTo(new GuestOutOfMemoryWatch(log, process::destroyForcibly));
        }
    }

    /** The guest's kernel killed the function, or the host's killed the VMM at the group's limit. */
    @Override
    protected boolean outOfMemory(OptionalInt exitCode) {
        String text = consoleEnd();
        return GuestOutOfMemoryWatch.saysOutOfMemory(text) || group != null && group.oomKills() > 0;
    }

    private String consoleEnd() {
        try (RandomAccessFile file = new RandomAccessFile(console.toFile(), "r")) {
            long start = Math.max(0, file.length() - CONSOLE_SCAN_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until the VMM has used less than a tenth of a CPU over a 50 ms window (its cgroup's
     * count, in microseconds; the process's own is in 10 ms ticks), at most {@code patience}: a
     * guest just ready may still be finishing its start, which a snapshot would catch halfway.
     */
    void awaitSettled(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long before = cpuNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(SETTLE_WINDOW_MILLIS);
            long now = cpuNanos();
            if (now - before < TimeUnit.MILLISECONDS.toNanos(SETTLE_WINDOW_MILLIS) / 10) {
                return;
            }
            before = now;
        }
    }

    private long cpuNanos() {
        return group != null ? group.cpuUsage().toNanos()
                : process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** Saves the running guest to {@code state} and its RAM to {@code memory} (or leaves it there) through {@code vmm}. */
    Vmm.SavedGuest saveSnapshot(Vmm vmm, Path state, Path memory) throws IOException {
        return vmm.saveSnapshot(scratch, process, state, memory);
    }

    /** Stops the VMM, then removes its cgroup and network, each whatever the one before did. */
    @Override
    protected void stop() {
        Shutdown.all(this::stopVmm, () -> {
            if (group != null) {
                group.close();
                Cgroups.removeEverywhere(id());
            }
        }, () -> {
            if (network.link() != null) {
                namespaces.release(network.link());
            }
        });
    }

    /** Asks the VMM to exit; kills it if it has not within two seconds. */
    private void stopVmm() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        requestStop.accept(scratch, process);
        try {
            if (!process.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }
}
