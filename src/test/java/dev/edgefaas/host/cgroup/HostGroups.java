package dev.edgefaas.host.cgroup;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Real groups on this host for one test: each named with a prefix of its own, and all of
 * them, with the processes the test started, removed by {@link #cleanUp()}.
 */
final class HostGroups {
    static final long MIB = 1024 * 1024;
    static final Duration PATIENCE = Duration.ofSeconds(10);

    final CgroupLayout layout = CgroupLayout.detect();
    private final String prefix = "test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final List<Process> processes = new ArrayList<>();
    private final List<Cgroup> groups = new ArrayList<>();

    /** A name no other test or run uses. */
    String name(String what) {
        return prefix + "-" + what;
    }

    Cgroup create(String what, CgroupLimits limits) {
        Cgroup group = Cgroup.create(layout, name(what), limits);
        groups.add(group);
        return group;
    }

    /**
     * Runs {@code script} in {@code /bin/sh} after it joined {@code group} through its
     * {@link Cgroup#procsFiles()}, as the process backend's launcher does, and waits until it is in.
     */
    Process startIn(Cgroup group, String script, Path output) {
        String files = group.procsFiles().stream().map(Path::toString).collect(Collectors.joining(" "));
        Process process = start(List.of("/bin/sh", "-c",
                "for f in $1; do echo $$ > \"$f\" || exit 125; done; shift; exec /bin/sh -c \"$1\"",
                "join", files, script), output);
        await().atMost(PATIENCE).until(() -> group.pids().contains(process.pid()) || !process.isAlive());
        return process;
    }

    Process start(List<String> command, Path output) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void cleanUp() {
        RuntimeException failure = null;
        for (Cgroup group : groups) {
            try {
                group.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        // Groups a test left on purpose, or made without Cgroup.create.
        for (String leftover : Cgroups.leftovers(layout)) {
            if (leftover.startsWith(prefix)) {
                Cgroups.removeLeftover(layout, leftover);
            }
        }
        processes.forEach(Process::destroyForcibly);
        if (failure != null) {
            throw failure;
        }
    }
}
