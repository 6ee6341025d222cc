package dev.edgefaas.sandbox.oci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one container's {@code config.json} is made from: the command, its environment, the
 * shared read-only root file system, limits, and where its network and cgroup are.
 *
 * @param user             {@code uid[:gid]} the command runs as; empty for nobody
 * @param networkNamespace a namespace to join (its {@code /run/netns/...} path), or null for the host's network
 * @param cgroupsPath      the container's cgroup, relative to each hierarchy's root
 * @param seccomp          whether to apply the seccomp deny list (runc, crun; gVisor filters by itself)
 */
record ContainerSpec(List<String> args, List<String> env, String cwd, String user, Path rootfs, String hostname, Path networkNamespace,
                     String cgroupsPath, long memoryBytes, double vcpus, long pidsLimit, boolean seccomp) {

    private static final long CPU_PERIOD_MICROS = 100_000;
    private static final int NOBODY = 65534;
    private static final long OPEN_FILES = 4096;
    private static final String TMPFS_SIZE = "size=65536k";

    ContainerSpec {
        args = List.copyOf(args);
        env = List.copyOf(env);
    }

    private OciSpec.User ociUser() {
        if (user.isEmpty()) {
            return new OciSpec.User(NOBODY, NOBODY);
        }
        String[] ids = user.split(":");
        int uid = Integer.parseInt(ids[0]);
        return new OciSpec.User(uid, ids.length > 1 ? Integer.parseInt(ids[1]) : uid);
    }

    /** The configuration as the OCI runtime reads it. */
    OciSpec toOci() {
        OciSpec.Process process = new OciSpec.Process(false, ociUser(), args, env, cwd,
                OciSpec.Capabilities.only(List.of()),
                List.of(new OciSpec.Rlimit("RLIMIT_NOFILE", OPEN_FILES, OPEN_FILES)), true);
        List<OciSpec.Mount> mounts = List.of(
                new OciSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new OciSpec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", TMPFS_SIZE)),
                new OciSpec.Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", TMPFS_SIZE)),
                new OciSpec.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new OciSpec.Mount("/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777", TMPFS_SIZE)));
        List<OciSpec.Namespace> namespaces = new ArrayList<>(List.of(
                OciSpec.Namespace.fresh("pid"), OciSpec.Namespace.fresh("ipc"),
                OciSpec.Namespace.fresh("uts"), OciSpec.Namespace.fresh("mount")));
        if (networkNamespace != null) {
            namespaces.add(new OciSpec.Namespace("network", networkNamespace.toString()));
        }
        long quota = Math.max(1_000, Math.round(vcpus * CPU_PERIOD_MICROS));
        OciSpec.Resources resources = new OciSpec.Resources(
                List.of(new OciSpec.DeviceRule(false, "rwm")),
                // Swap limited to the memory limit: an instance cannot page its way past it.
                new OciSpec.Memory(memoryBytes, memoryBytes),
                new OciSpec.Cpu(quota, CPU_PERIOD_MICROS),
                new OciSpec.Pids(pidsLimit));
        OciSpec.Linux linux = new OciSpec.Linux(resources, cgroupsPath, namespaces,
                List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
                seccomp ? SeccompProfile.denyList() : null);
        return new OciSpec(OciSpec.VERSION, process, new OciSpec.Root(rootfs.toString(), true), hostname, mounts, linux);
    }
}
