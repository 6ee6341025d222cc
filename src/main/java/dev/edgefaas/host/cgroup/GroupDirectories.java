package dev.edgefaas.host.cgroup;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What v1 and v2 groups share: their directories, membership, killing and removal. */
abstract sealed class GroupDirectories implements Cgroup permits V1Cgroup, V2Cgroup {
    /**
     * A killed process stays in its group until its memory is unmapped: a VMM with a guest's
     * memory, among twenty killed at once on a busy host, has taken over 5 s here.
     */
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(30);
    /** How long one kill round waits for the kernel to empty the group before trying again. */
    private static final Duration ROUND_PATIENCE = Duration.ofMillis(200);
    private static final Duration RMDIR_PATIENCE = Duration.ofSeconds(2);

    private final String name;
    private final List<Path> paths;
    private boolean removed;

    GroupDirectories(String name, List<Path> paths) {
        this.name = name;
        this.paths = List.copyOf(paths);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Path> paths() {
        return paths;
    }

    @Override
    public List<Path> procsFiles() {
        return paths.stream().map(dir -> dir.resolve("cgroup.procs")).toList();
    }

    @Override
    public void addProcess(long pid) {
        procsFiles().forEach(file -> CgroupFiles.write(file, Long.toString(pid)));
    }

    /** {@inheritDoc} A hierarchy whose directory is gone holds no process, so a removed group is empty. */
    @Override
    public Set<Long> pids() {
        Set<Long> pids = new TreeSet<>();
        paths.stream().filter(Files::isDirectory).forEach(dir -> pids.addAll(CgroupFiles.procs(dir)));
        return pids;
    }

    @Override
    public synchronized void killAll() {
        long self = ProcessHandle.current().pid();
        long deadline = System.nanoTime() + KILL_PATIENCE.toNanos();
        for (Set<Long> pids = pids(); !pids.isEmpty(); pids = pids()) {
            if (pids.contains(self)) {
                // Freezing or killing would stop the caller half-way; it has to leave the group first.
                throw new CgroupException("cgroup " + name + " holds this process (pid " + self + "): move it"
                        + " out (write its pid to a parent's cgroup.procs) before killing the group");
            }
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                throw new CgroupException("cgroup " + name + " still has processes " + pids + " after "
                        + KILL_PATIENCE.toSeconds() + " s of SIGKILL (stuck in uninterruptible I/O? see"
                        + " /proc/<pid>/stack); retry later or reboot");
            }
            killRound();
            CgroupFiles.await(() -> pids().isEmpty(), ROUND_PATIENCE);
        }
    }

    /**
     * One attempt at killing every process. Frozen, the group cannot fork while its pids are
     * listed and killed; unfrozen (no freezer), forks in between are caught by the next round.
     */
    void killRound() {
        boolean frozen = freeze();
        try {
            // destroyForcibly is SIGKILL; ProcessHandle checks the start time, so a reused pid is spared.
            pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        } finally {
            if (frozen) {
                // A SIGKILLed task still frozen (v1) dies only once thawed.
                thaw();
            }
        }
    }

    /** Stops every process of the group; false if this group cannot be frozen. */
    abstract boolean freeze();

    abstract void thaw();

    @Override
    public synchronized void close() {
        if (removed) {
            return;
        }
        for (Path dir : paths) {
            removeChildGroups(dir);
        }
        killAll();
        for (Path dir : paths) {
            CgroupFiles.removeDirectory(dir, RMDIR_PATIENCE);
        }
        removed = true;
    }

    /**
     * Removes the groups below {@code dir}, deepest first, killing what runs in them: an OCI
     * runtime puts a container in a child of the instance's group, and may leave it behind
     * when it is killed itself.
     */
    /** Removes {@code dir}, its child groups and their processes, deepest first. */
    static void removeTree(Path dir) {
        removeChildGroups(dir);
        CgroupFiles.await(() -> {
            CgroupFiles.procs(dir).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            return CgroupFiles.procs(dir).isEmpty();
        }, KILL_PATIENCE);
        CgroupFiles.removeDirectory(dir, RMDIR_PATIENCE);
    }

    private static void removeChildGroups(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> children;
        try (var list = Files.list(dir)) {
            children = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new CgroupException("cannot list the child groups of " + dir + ": " + CgroupFiles.reason(e), e);
        }
        for (Path child : children) {
            removeTree(child);
        }
    }

    /** Creates {@code dir} and any missing parent; it must not exist yet. */
    static void makeDirectory(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CgroupException("cgroup " + dir + " already exists: left by an earlier run?"
                    + " Cgroups.removeLeftover removes it", e);
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + dir + ": " + CgroupFiles.reason(e)
                    + "; run as root with a writable cgroup mount", e);
        }
    }

    /** Undoes a failed creation, newest first; what cannot be undone is added to {@code failure}. */
    static void removeCreated(List<Path> created, RuntimeException failure) {
        for (Path dir : created.reversed()) {
            try {
                CgroupFiles.removeDirectory(dir, RMDIR_PATIENCE);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** {@code relativePath} as a path below a hierarchy root, refusing anything that leaves it. */
    static Path checkRelative(String relativePath) {
        List<String> parts = relativePath == null ? List.of()
                : Arrays.stream(relativePath.split("/")).filter(part -> !part.isEmpty()).toList();
        if (parts.isEmpty() || parts.contains("..") || parts.contains(".")) {
            throw new CgroupException("invalid cgroup path '" + relativePath + "': give a group below the"
                    + " hierarchy roots, e.g. edgefaas/hello-1a2b3c4d, without '.' or '..'");
        }
        return Path.of(parts.getFirst(), parts.subList(1, parts.size()).toArray(String[]::new));
    }

    @Override
    public String toString() {
        return "cgroup " + name + " " + paths;
    }
}
