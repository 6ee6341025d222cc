package dev.edgefaas.host.cgroup;

import static dev.edgefaas.host.cgroup.HostGroups.MIB;
import static dev.edgefaas.host.cgroup.HostGroups.PATIENCE;
import static dev.edgefaas.host.cgroup.HostGroups.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits and statistics of real groups on this host; skipped where cgroups are not writable. */
class CgroupTest {
    private final HostGroups host = new HostGroups();
    @TempDir
    Path scratch;

    @BeforeEach
    void requireWritableCgroups() {
        Assumptions.assumeTrue(host.layout.writable(), () -> "cannot create cgroups: " + host.layout.describe());
    }

    @AfterEach
    void removeGroups() {
        host.cleanUp();
    }

    @Test
    void aGroupHasADirectoryUnderEdgefaasInEveryHierarchy() {
        Cgroup group = host.create("dirs", new CgroupLimits(1, 64 * MIB, 64));

        List<Path> expected = host.layout.hierarchyRoots().stream()
                .map(root -> root.resolve("edgefaas").resolve(host.name("dirs"))).toList();
        assertThat(group.name()).isEqualTo(host.name("dirs"));
        assertThat(group.paths()).containsExactlyElementsOf(expected).allSatisfy(dir -> assertThat(dir).isDirectory());
        assertThat(group.procsFiles()).hasSameSizeAs(expected).allSatisfy(file -> assertThat(file).isRegularFile());
    }

    @Test
    void limitsAreWrittenToTheControlFilesOfEveryHierarchy() {
        Cgroup group = host.create("limits", new CgroupLimits(0.5, 64 * MIB, 32));

        if (host.layout.kind() == CgroupLayout.Kind.V2) {
            Path dir = group.paths().getFirst();
            assertThat(read(dir.resolve("cpu.max"))).isEqualTo("50000 100000");
            assertThat(read(dir.resolve("memory.max"))).isEqualTo(Long.toString(64 * MIB));
            assertThat(read(dir.resolve("pids.max"))).isEqualTo("32");
            if (Files.exists(dir.resolve("memory.swap.max"))) {
                assertThat(read(dir.resolve("memory.swap.max"))).isEqualTo("0");
            }
        } else {
            Path cpu = dirOf(group, Controller.CPU);
            Path memory = dirOf(group, Controller.MEMORY);
            assertThat(read(cpu.resolve("cpu.cfs_period_us"))).isEqualTo("100000");
            assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("50000");
            assertThat(read(memory.resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(64 * MIB));
            if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                assertThat(read(memory.resolve("memory.memsw.limit_in_bytes"))).isEqualTo(Long.toString(64 * MIB));
            }
            assertThat(read(dirOf(group, Controller.PIDS).resolve("pids.max"))).isEqualTo("32");
        }
    }

    @Test
    void aProcessThatWritesItsPidToTheProcsFilesIsInTheGroupInEveryHierarchy() throws Exception {
        Cgroup group = host.create("member", new CgroupLimits(1, 64 * MIB, 64));

        Process sleeper = host.startIn(group, "exec sleep 60", scratch.resolve("out"));

        assertThat(group.pids()).containsExactly(sleeper.pid());
        String membership = Files.readString(Path.of("/proc", Long.toString(sleeper.pid()), "cgroup"));
        for (Controller controller : List.of(Controller.CPU, Controller.CPUACCT, Controller.MEMORY, Controller.PIDS)) {
            // v1: "4:memory:/edgefaas/x" or "3:cpu,cpuacct:/edgefaas/x"; v2: "0::/edgefaas/x".
            String controllers = host.layout.kind() == CgroupLayout.Kind.V2 ? ""
                    : "([^:]*,)?" + controller.kernelName() + "(,[^:]*)?";
            assertThat(membership).containsPattern("(?m)^\\d+:" + controllers + ":/edgefaas/" + group.name() + "$");
        }
    }

    @Test
    void addProcessMovesARunningProcessIntoTheGroup() {
        Cgroup group = host.create("added", new CgroupLimits(1, 64 * MIB, 64));
        Process sleeper = host.start(List.of("sleep", "60"), scratch.resolve("out"));

        group.addProcess(sleeper.pid());

        assertThat(group.pids()).containsExactly(sleeper.pid());
        assertThat(Cgroup.open(host.layout, "edgefaas/" + group.name()).pids()).containsExactly(sleeper.pid());
    }

    @Test
    void cpuUsageGrowsWhileABusyProcessRunsButNoFasterThanTheQuota() {
        Cgroup group = host.create("busy", new CgroupLimits(0.5, 64 * MIB, 64));
        assertThat(group.cpuUsage()).isLessThan(Duration.ofMillis(10));
        long started = System.nanoTime();

        host.startIn(group, "while :; do :; done", scratch.resolve("out"));

        await().atMost(PATIENCE).until(() -> group.cpuUsage().compareTo(Duration.ofMillis(300)) >= 0);
        // 300 ms of CPU at half a CPU take 600 ms; the first period may grant a little extra.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(450));
    }

    @Test
    void pidsMaxMakesForksBeyondTheLimitFail() {
        Cgroup group = host.create("forks", new CgroupLimits(1, 64 * MIB, 5));
        Path output = scratch.resolve("out");

        host.startIn(group,
                "i=0; while [ $i -lt 20 ]; do sleep 60 & i=$((i+1)); done; echo all forked; wait", output);

        await().atMost(PATIENCE).until(() -> read(output).toLowerCase().contains("fork"));
        assertThat(read(output)).doesNotContain("all forked");
        assertThat(group.pids()).hasSizeBetween(1, 5);
    }

    @Test
    void aProcessAllocatingMoreThanTheMemoryLimitIsOomKilledAndCounted() throws Exception {
        Cgroup group = host.create("hog", new CgroupLimits(1, 64 * MIB, 64));
        assertThat(group.oomKills()).isZero();

        // tail keeps the last lines in memory, and 200 MiB of zeros is a single line.
        Process hog = host.startIn(group, "head -c 200M /dev/zero | tail; echo tail exited $?",
                scratch.resolve("out"));

        await().atMost(PATIENCE).until(() -> !hog.isAlive());
        assertThat(read(scratch.resolve("out"))).endsWith("tail exited 137");
        assertThat(group.oomKills()).isGreaterThanOrEqualTo(1);
        assertThat(group.memoryPeakBytes()).satisfiesAnyOf(
                peak -> assertThat(peak).isEqualTo(-1),
                peak -> assertThat(peak).isBetween(32 * MIB, 64 * MIB));
        assertThat(group.memoryCurrentBytes()).isBetween(0L, 64 * MIB);
    }

    private Path dirOf(Cgroup group, Controller controller) {
        Path root = host.layout.mountPoint(controller).orElseThrow();
        return group.paths().stream().filter(dir -> dir.startsWith(root)).findFirst().orElseThrow();
    }
}
