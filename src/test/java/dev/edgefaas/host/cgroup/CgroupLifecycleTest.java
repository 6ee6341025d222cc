package dev.edgefaas.host.cgroup;

import static dev.edgefaas.host.cgroup.HostGroups.MIB;
import static dev.edgefaas.host.cgroup.HostGroups.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Killing, removing and reaping real groups on this host; skipped where cgroups are not writable. */
class CgroupLifecycleTest {
    private static final CgroupLimits LIMITS = new CgroupLimits(1, 64 * MIB, 256);
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
    void killAllKillsAProcessTreeWithItsForkedChildren() throws Exception {
        Cgroup group = host.create("tree", LIMITS);
        Process parent = host.startIn(group,
                "sleep 60 & sleep 60 & sh -c 'sleep 60 & sleep 60 & wait' & wait", scratch.resolve("out"));
        await().atMost(PATIENCE).until(() -> group.pids().size() == 6);

        group.killAll();

        assertThat(group.pids()).isEmpty();
        assertThat(parent.waitFor()).isEqualTo(137);
    }

    @Test
    void killAllCatchesProcessesForkedWhileItKills() {
        Cgroup group = host.create("forker", LIMITS);
        host.startIn(group, "while :; do sleep 60 & done", scratch.resolve("out"));
        await().atMost(PATIENCE).until(() -> group.pids().size() > 20);

        group.killAll();

        assertThat(group.pids()).isEmpty();
    }

    @Test
    void closeKillsWhatRunsAndRemovesEveryDirectoryAndCanBeRepeated() {
        Cgroup group = host.create("closed", LIMITS);
        Process sleeper = host.startIn(group, "exec sleep 60", scratch.resolve("out"));

        group.close();

        assertThat(group.paths()).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(sleeper.onExit()).succeedsWithin(PATIENCE);
        group.close();
        assertThat(group.pids()).isEmpty();
    }

    @Test
    void leftoversFindsAGroupThatWasNotClosedAndRemoveLeftoverKillsAndRemovesIt() {
        String name = host.name("crashed");
        Cgroup crashed = Cgroup.create(host.layout, name, LIMITS);
        Process orphan = host.startIn(crashed, "exec sleep 60", scratch.resolve("out"));

        assertThat(Cgroups.leftovers(host.layout)).contains(name);
        assertThat(Cgroups.removeLeftover(host.layout, name)).isTrue();

        assertThat(Cgroups.leftovers(host.layout)).doesNotContain(name);
        assertThat(crashed.paths()).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(orphan.onExit()).succeedsWithin(PATIENCE);
        assertThat(Cgroups.removeLeftover(host.layout, name)).isFalse();
    }

    @Test
    void aLimitTheKernelRefusesLeavesNoDirectoryBehind() {
        // A billion CPUs exceed the largest CFS quota the kernel accepts (about 2^44 µs).
        CgroupLimits absurd = new CgroupLimits(1e9, 64 * MIB, 64);

        assertThatThrownBy(() -> host.create("refused", absurd))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("cannot write '")
                .hasMessageContaining("Invalid argument");
        assertThat(host.layout.hierarchyRoots())
                .allSatisfy(root -> assertThat(root.resolve("edgefaas").resolve(host.name("refused"))).doesNotExist());
    }

    @Test
    void creatingAGroupThatExistsFailsAndLeavesTheExistingOneAlone() {
        Cgroup first = host.create("twice", LIMITS);

        assertThatThrownBy(() -> Cgroup.create(host.layout, host.name("twice"), LIMITS))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("already exists");
        assertThat(first.paths()).allSatisfy(dir -> assertThat(dir).isDirectory());
    }

    @Test
    void openReadsTheStatsOfAGroupSomeoneElseCreated() throws Exception {
        // As an OCI runtime does for its cgroupsPath: directories made by hand, in every hierarchy.
        String path = "edgefaas/" + host.name("runtime");
        for (Path root : host.layout.hierarchyRoots()) {
            Files.createDirectories(root.resolve(path));
        }
        Process sleeper = host.start(List.of("sleep", "60"), scratch.resolve("out"));
        Cgroup group = Cgroup.open(host.layout, path);
        group.addProcess(sleeper.pid());

        assertThat(group.name()).isEqualTo(path);
        assertThat(group.pids()).isEqualTo(Set.of(sleeper.pid()));
        assertThat(group.cpuUsage()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(group.memoryCurrentBytes()).isNotNegative();
        assertThat(group.oomKills()).isZero();
        group.close();
        assertThat(group.paths()).allSatisfy(dir -> assertThat(dir).doesNotExist());
    }

    @Test
    void aGroupInTheUnifiedHierarchyIsKilledAndRemoved() throws Exception {
        // On a hybrid host the unified hierarchy has no controllers but can still hold, kill and freeze groups.
        Path unified = host.layout.unifiedRoot().orElse(null);
        Assumptions.assumeTrue(unified != null && Files.isWritable(unified), "no writable cgroup2 mount here");
        CgroupLayout v2 = CgroupLayout.parse("cgroup2 " + unified + " cgroup2 rw 0 0\n");
        String name = host.name("unified");
        boolean parentExisted = Files.isDirectory(unified.resolve("edgefaas"));
        Files.createDirectories(unified.resolve("edgefaas").resolve(name));
        try {
            Cgroup group = Cgroup.open(v2, "edgefaas/" + name);
            Process parent = host.startIn(group, "sleep 60 & sleep 60 & wait", scratch.resolve("out"));
            await().atMost(PATIENCE).until(() -> group.pids().size() == 3);
            assertThat(group.cpuUsage()).isGreaterThanOrEqualTo(Duration.ZERO);

            group.close();

            assertThat(parent.waitFor()).isEqualTo(137);
            assertThat(group.paths()).allSatisfy(dir -> assertThat(dir).doesNotExist());
        } finally {
            Cgroups.removeLeftover(v2, name);
            if (!parentExisted) {
                // edgefaas never uses the controller-less unified hierarchy of a hybrid host itself.
                Files.deleteIfExists(unified.resolve("edgefaas"));
            }
        }
    }
}
