package dev.edgefaas.host.cgroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One control group, present in every hierarchy of its {@link CgroupLayout} (one directory on
 * cgroup v2, one per mounted controller hierarchy on v1). All methods may throw
 * {@link CgroupException}; statistics of a group that was closed or removed fail that way
 * too, while {@link #pids()} of such a group is empty. Thread-safe.
 */
public sealed interface Cgroup extends AutoCloseable permits GroupDirectories {

    /**
     * Creates {@code edgefaas/<name>} in every hierarchy and writes {@code limits} to it. On
     * failure nothing of the group is left behind (the shared {@code edgefaas} parents stay).
     *
     * @param name 1 to 63 of {@code [a-z0-9-]}, starting with a letter or digit
     * @throws CgroupException if the layout is not {@linkplain CgroupLayout#writable() writable},
     *                         the name is invalid, the group exists already, or a limit is refused
     */
    static Cgroup create(CgroupLayout layout, String name, CgroupLimits limits) {
        CgroupFiles.checkName(name);
        layout.whyNotWritable().ifPresent(why -> {
            throw new CgroupException("cannot create cgroup " + CgroupLayout.PARENT + "/" + name + ": " + why);
        });
        return layout.usesUnified() ? V2Cgroup.create(layout, name, limits) : V1Cgroup.create(layout, name, limits);
    }

    /**
     * The existing group at {@code relativePath} below the hierarchy roots, e.g. one an OCI
     * runtime made for its {@code cgroupsPath}. Hierarchies where it is missing are left out.
     *
     * @throws CgroupException if the path climbs out of the roots or no hierarchy has the group
     */
    static Cgroup open(CgroupLayout layout, String relativePath) {
        Path relative = GroupDirectories.checkRelative(relativePath);
        return layout.usesUnified() ? V2Cgroup.open(layout, relative) : V1Cgroup.open(layout, relative);
    }

    /** The name given to {@link #create}, or the path given to {@link #open}. */
    String name();

    /** The group's directory in each hierarchy, each once. */
    List<Path> paths();

    /**
     * The {@code cgroup.procs} file of every hierarchy. A process joins the group by writing
     * its pid to each, e.g. a launcher shell before it execs the real program, so that
     * nothing it runs is ever outside the limits.
     */
    List<Path> procsFiles();

    /** Moves the process {@code pid} (and, on v2, all its threads) into the group. */
    void addProcess(long pid);

    /** The processes in the group now, in any hierarchy; child groups not included. */
    Set<Long> pids();

    /** CPU time consumed by the group's processes, living and gone, since it was created. */
    Duration cpuUsage();

    /** Memory charged to the group now, page cache included. */
    long memoryCurrentBytes();

    /** The most memory ever charged to the group, or -1 where the kernel does not say (v2 before 5.19). */
    long memoryPeakBytes();

    /**
     * How many processes of the group the kernel's OOM killer killed, or -1 where the kernel
     * does not count them (v1 before 4.13). Not derived from {@code memory.failcnt}: that counts
     * every charge that hit the limit, most of which reclaim resolves, so it would report
     * OOM kills for healthy groups that merely fill their page cache.
     */
    long oomKills();

    /**
     * SIGKILLs every process in the group, including ones forked while it runs, and returns
     * once the group is empty. Freezes the group first where possible so nothing can fork.
     *
     * @throws CgroupException if the caller itself is in the group, or processes remain after
     *                         a few seconds (e.g. stuck in uninterruptible I/O)
     */
    void killAll();

    /**
     * {@link #killAll() Kills} what is left in the group and removes its directories. Doing it
     * again does nothing; if it fails it may be retried.
     */
    @Override
    void close();
}
