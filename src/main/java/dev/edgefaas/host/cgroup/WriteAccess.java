package dev.edgefaas.host.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Decides whether this process can create groups in a layout, without creating anything. */
final class WriteAccess {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private WriteAccess() {
    }

    /** Why groups cannot be created in {@code layout} and what to do, or empty when they can. */
    static Optional<String> problem(CgroupLayout layout) {
        if (layout.kind() == CgroupLayout.Kind.NONE) {
            return Optional.of("no cgroup file system is mounted (see /proc/self/mounts);"
                    + " mount one, e.g. mount -t cgroup2 none /sys/fs/cgroup");
        }
        for (Path root : layout.hierarchyRoots()) {
            if (layout.readOnly(root)) {
                return Optional.of(root + " is mounted read-only (in a container? give it a writable cgroup"
                        + " mount, e.g. --privileged or --cgroupns=private with rw)");
            }
        }
        List<Controller> missing = layout.usesUnified() ? missingInUnified(layout.unifiedRoot().orElseThrow())
                : Arrays.stream(Controller.values())
                        .filter(c -> c.required() && !layout.v1Mounts().containsKey(c)).toList();
        if (!missing.isEmpty()) {
            String names = missing.stream().map(Controller::kernelName).collect(Collectors.joining(", "));
            return Optional.of(layout.usesUnified()
                    ? "the cgroup v2 root " + layout.unifiedRoot().orElseThrow() + " does not offer " + names
                      + " (see its cgroup.controllers): they are bound to cgroup v1 or disabled at boot"
                    : "no cgroup v1 hierarchy is mounted for " + names + "; mount each, e.g. mount -t cgroup -o "
                      + missing.getFirst().kernelName() + " cgroup /sys/fs/cgroup/" + missing.getFirst().kernelName());
        }
        for (Path root : layout.hierarchyRoots()) {
            Path parent = root.resolve(CgroupLayout.PARENT);
            Path target = Files.isDirectory(parent) ? parent : root;
            if (!Files.isWritable(target)) {
                long uid = effectiveUid();
                return Optional.of(uid != 0
                        ? "uid " + uid + " cannot write " + target + "; run edgefaas as root"
                        : target + " is not writable even for root (a read-only or restricted cgroup mount?)");
            }
        }
        return Optional.empty();
    }

    private static List<Controller> missingInUnified(Path root) {
        Path offered = root.resolve("cgroup.controllers");
        Set<String> available = Files.isReadable(offered)
                ? Set.of(CgroupFiles.read(offered).trim().split("\\s+"))
                : Set.of();
        return Arrays.stream(Controller.values())
                .filter(c -> c.required() && c != Controller.CPUACCT && !available.contains(c.kernelName()))
                .toList();
    }

    /** The effective uid from {@code /proc/self/status}, or -1 if it cannot be read. */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(PROC_STATUS)) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (Exception e) {
            // Not Linux or no /proc: the caller words its advice without the uid.
        }
        return -1;
    }
}
