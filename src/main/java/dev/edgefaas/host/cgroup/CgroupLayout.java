package dev.edgefaas.host.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where this host mounts its cgroups, as read from {@code /proc/self/mounts}, and whether this
 * process may create groups there. Immutable; detect once at startup.
 *
 * <p>On {@link Kind#V1} and {@link Kind#HYBRID} hosts groups are made in the v1 hierarchies of
 * {@link Controller}s (a hybrid's unified hierarchy carries no controller we need); on
 * {@link Kind#V2} hosts in the unified hierarchy, under a parent group {@value #PARENT}.
 */
public final class CgroupLayout {
    /** The group under every hierarchy root that holds edgefaas's groups. */
    public static final String PARENT = "edgefaas";
    static final Path PROC_MOUNTS = Path.of("/proc/self/mounts");

    /** How the host mounts cgroups. */
    public enum Kind { V1, V2, HYBRID, NONE }

    private final Kind kind;
    private final Map<Controller, Path> v1Mounts;
    private final Optional<Path> unifiedRoot;
    private final Set<Path> readOnly;
    private final Optional<String> whyNotWritable;

    CgroupLayout(Kind kind, Map<Controller, Path> v1Mounts, Optional<Path> unifiedRoot, Set<Path> readOnly,
                 Optional<String> whyNotWritable) {
        this.kind = kind;
        this.v1Mounts = v1Mounts.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(v1Mounts));
        this.unifiedRoot = unifiedRoot;
        this.readOnly = Set.copyOf(readOnly);
        this.whyNotWritable = whyNotWritable;
    }

    /** The layout of this host, with {@link #writable()} checked against the file system. */
    public static CgroupLayout detect() {
        return MountTable.parse(CgroupFiles.read(PROC_MOUNTS)).probe();
    }

    /**
     * The layout described by {@code procMounts} (the text of {@code /proc/self/mounts}), without
     * looking at the file system: {@link #writable()} is false until probed.
     */
    static CgroupLayout parse(String procMounts) {
        return MountTable.parse(procMounts);
    }

    /** This layout with {@link #writable()} answered by looking at the mounted hierarchies. */
    CgroupLayout probe() {
        return new CgroupLayout(kind, v1Mounts, unifiedRoot, readOnly, WriteAccess.problem(this));
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The root of the hierarchy that holds {@code controller}: its v1 mount point (shared by
     * co-mounted controllers such as {@code cpu,cpuacct}), or the unified root on v2 hosts.
     */
    public Optional<Path> mountPoint(Controller controller) {
        return kind == Kind.V2 ? unifiedRoot : Optional.ofNullable(v1Mounts.get(controller));
    }

    /** The cgroup2 mount point, also on hybrid hosts where it may carry no controllers. */
    public Optional<Path> unifiedRoot() {
        return unifiedRoot;
    }

    /** Whether groups can be created: all required controllers are mounted read-write and writable by us. */
    public boolean writable() {
        return whyNotWritable.isEmpty();
    }

    /** Why groups cannot be created, and what to do about it; empty when {@link #writable()}. */
    public Optional<String> whyNotWritable() {
        return whyNotWritable;
    }

    /** One line for {@code doctor}, e.g. {@code cgroup v1 (hybrid), writable}. */
    public String describe() {
        String what = switch (kind) {
            case V1 -> "cgroup v1";
            case V2 -> "cgroup v2";
            case HYBRID -> "cgroup v1 (hybrid)";
            case NONE -> "no cgroups";
        };
        return what + whyNotWritable.map(why -> ", not writable: " + why).orElse(", writable");
    }

    /** Whether groups live in the unified hierarchy rather than in v1 hierarchies. */
    boolean usesUnified() {
        return kind == Kind.V2;
    }

    /** The v1 mount point of every controller that is mounted, in {@link Controller} order. */
    Map<Controller, Path> v1Mounts() {
        return v1Mounts;
    }

    /** The roots of the hierarchies groups are made in, each once, in {@link Controller} order. */
    List<Path> hierarchyRoots() {
        if (kind == Kind.V2) {
            return unifiedRoot.stream().toList();
        }
        return kind == Kind.NONE ? List.of() : new ArrayList<>(new LinkedHashSet<>(v1Mounts.values()));
    }

    boolean readOnly(Path mountPoint) {
        return readOnly.contains(mountPoint);
    }

    @Override
    public String toString() {
        return describe() + " " + (kind == Kind.V2 ? unifiedRoot.map(Path::toString).orElse("") : v1Mounts);
    }
}
