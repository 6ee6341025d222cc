package dev.edgefaas.host.cgroup;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the cgroup mounts out of the text of {@code /proc/self/mounts}. */
final class MountTable {
    /** Every v1 controller a kernel may have; a v1 mount with none of them (name=systemd) is no controller hierarchy. */
    private static final Set<String> KERNEL_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices",
            "freezer", "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

    private MountTable() {
    }

    static CgroupLayout parse(String procMounts) {
        Map<Controller, Path> v1Mounts = new EnumMap<>(Controller.class);
        Set<Path> readOnly = new HashSet<>();
        Path unified = null;
        boolean v1 = false;
        for (String line : procMounts.split("\n")) {
            // device mount-point type options dump pass
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4) {
                continue;
            }
            Path mountPoint = Path.of(unescape(fields[1]));
            List<String> options = List.of(fields[3].split(","));
            if (fields[2].equals("cgroup2")) {
                // A bind mount of the same hierarchy may follow; the first is where systemd put it.
                if (unified == null) {
                    unified = mountPoint;
                }
            } else if (fields[2].equals("cgroup")) {
                v1 |= options.stream().anyMatch(KERNEL_CONTROLLERS::contains);
                for (Controller controller : Controller.values()) {
                    if (options.contains(controller.kernelName())) {
                        v1Mounts.putIfAbsent(controller, mountPoint);
                    }
                }
            } else {
                continue;
            }
            if (options.contains("ro")) {
                readOnly.add(mountPoint);
            }
        }
        CgroupLayout.Kind kind = v1 && unified != null ? CgroupLayout.Kind.HYBRID
                : v1 ? CgroupLayout.Kind.V1
                : unified != null ? CgroupLayout.Kind.V2
                : CgroupLayout.Kind.NONE;
        return new CgroupLayout(kind, v1Mounts, Optional.ofNullable(unified), readOnly,
                Optional.of("not checked (layout parsed from text; CgroupLayout.detect() checks)"));
    }

    /** The kernel escapes space, tab, newline and backslash in mount points as octal: {@code \040}. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
