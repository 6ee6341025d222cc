package dev.edgefaas.host.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupLayoutTest {
    private static final String ROOTFS = """
            /dev/vda / ext4 rw,relatime 0 0
            proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
            tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
            """;
    private static final String V1_SEPARATE = ROOTFS + """
            cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
            cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
            cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0
            cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
            cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0
            cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0
            cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
            """;
    private static final String V1_COMOUNTED = ROOTFS + """
            cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,nodev,noexec,relatime,xattr,name=systemd 0 0
            cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0
            cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0
            cgroup /sys/fs/cgroup/pids cgroup rw,nosuid,nodev,noexec,relatime,pids 0 0
            """;
    private static final String HYBRID = V1_COMOUNTED
            + "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n";
    private static final String V2 = """
            /dev/vda / ext4 rw,relatime 0 0
            cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
            """;

    @Test
    void separatelyMountedV1ControllersEachHaveTheirOwnMountPoint() {
        CgroupLayout layout = CgroupLayout.parse(V1_SEPARATE);

        assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.V1);
        assertThat(layout.mountPoint(Controller.CPU)).contains(Path.of("/sys/fs/cgroup/cpu"));
        assertThat(layout.mountPoint(Controller.CPUACCT)).contains(Path.of("/sys/fs/cgroup/cpuacct"));
        assertThat(layout.mountPoint(Controller.MEMORY)).contains(Path.of("/sys/fs/cgroup/memory"));
        assertThat(layout.mountPoint(Controller.PIDS)).contains(Path.of("/sys/fs/cgroup/pids"));
        assertThat(layout.mountPoint(Controller.FREEZER)).contains(Path.of("/sys/fs/cgroup/freezer"));
        assertThat(layout.unifiedRoot()).isEmpty();
        assertThat(layout.hierarchyRoots()).hasSize(5);
    }

    @Test
    void coMountedCpuAndCpuacctShareOneHierarchy() {
        CgroupLayout layout = CgroupLayout.parse(V1_COMOUNTED);

        assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.V1);
        assertThat(layout.mountPoint(Controller.CPU)).contains(Path.of("/sys/fs/cgroup/cpu,cpuacct"));
        assertThat(layout.mountPoint(Controller.CPUACCT)).contains(Path.of("/sys/fs/cgroup/cpu,cpuacct"));
        assertThat(layout.mountPoint(Controller.FREEZER)).isEmpty();
        assertThat(layout.hierarchyRoots()).containsExactly(Path.of("/sys/fs/cgroup/cpu,cpuacct"),
                Path.of("/sys/fs/cgroup/memory"), Path.of("/sys/fs/cgroup/pids"));
    }

    @Test
    void v1ControllersBesideACgroup2MountAreHybridAndUseTheV1Hierarchies() {
        CgroupLayout layout = CgroupLayout.parse(HYBRID);

        assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.HYBRID);
        assertThat(layout.unifiedRoot()).contains(Path.of("/sys/fs/cgroup/unified"));
        assertThat(layout.mountPoint(Controller.MEMORY)).contains(Path.of("/sys/fs/cgroup/memory"));
        assertThat(layout.hierarchyRoots()).doesNotContain(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void aLoneCgroup2MountIsV2WithEveryControllerInTheUnifiedRoot() {
        CgroupLayout layout = CgroupLayout.parse(V2);

        assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.V2);
        assertThat(layout.unifiedRoot()).contains(Path.of("/sys/fs/cgroup"));
        for (Controller controller : Controller.values()) {
            assertThat(layout.mountPoint(controller)).contains(Path.of("/sys/fs/cgroup"));
        }
        assertThat(layout.hierarchyRoots()).containsExactly(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void aNamedV1HierarchyWithoutControllersBesideCgroup2IsStillV2() {
        CgroupLayout layout = CgroupLayout.parse(V2
                + "cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,nodev,noexec,relatime,name=systemd 0 0\n");

        assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.V2);
    }

    @Test
    void noCgroupMountsIsNoneAndNeverWritable() {
        CgroupLayout layout = CgroupLayout.parse(ROOTFS).probe();

        assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.NONE);
        assertThat(layout.hierarchyRoots()).isEmpty();
        assertThat(layout.writable()).isFalse();
        assertThat(layout.describe()).startsWith("no cgroups, not writable: no cgroup file system is mounted");
        assertThatThrownBy(() -> Cgroup.create(layout, "hello", new CgroupLimits(1, 64L << 20, 64)))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("cannot create cgroup edgefaas/hello: no cgroup file system is mounted");
    }

    @Test
    void aMissingRequiredV1ControllerMakesTheLayoutUnwritableAndSaysWhichToMount() {
        CgroupLayout layout = CgroupLayout.parse(V1_COMOUNTED.replace(
                "cgroup /sys/fs/cgroup/pids cgroup rw,nosuid,nodev,noexec,relatime,pids 0 0\n", "")).probe();

        assertThat(layout.writable()).isFalse();
        assertThat(layout.whyNotWritable()).hasValueSatisfying(why -> assertThat(why)
                .contains("no cgroup v1 hierarchy is mounted for pids", "mount -t cgroup -o pids"));
    }

    @Test
    void aCgroup2RootThatDoesNotOfferTheControllersIsNotWritable() {
        // Only testable where cgroup2 lacks the memory controller, e.g. the unified mount of a hybrid host.
        Path unified = CgroupLayout.detect().unifiedRoot().orElse(null);
        Assumptions.assumeTrue(unified != null && !HostGroups.read(unified.resolve("cgroup.controllers"))
                .contains("memory"), "no cgroup2 mount without the memory controller here");

        CgroupLayout layout = CgroupLayout.parse("cgroup2 " + unified + " cgroup2 rw 0 0\n").probe();

        assertThat(layout.whyNotWritable()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("the cgroup v2 root " + unified + " does not offer ")
                .contains("memory", "cgroup.controllers"));
    }

    @Test
    void aReadOnlyMountIsNotWritable() {
        CgroupLayout layout = CgroupLayout.parse(V2.replace("cgroup2 rw,", "cgroup2 ro,"));

        assertThat(WriteAccess.problem(layout)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("/sys/fs/cgroup is mounted read-only"));
    }

    @Test
    void aParsedLayoutIsNotClaimedWritableBeforeItIsProbed() {
        CgroupLayout layout = CgroupLayout.parse(V2);

        assertThat(layout.writable()).isFalse();
        assertThat(layout.describe()).isEqualTo("cgroup v2, not writable: not checked"
                + " (layout parsed from text; CgroupLayout.detect() checks)");
    }

    @Test
    void escapedMountPointsAreUnescaped() {
        CgroupLayout layout = CgroupLayout.parse("cgroup2 /mnt/my\\040cgroups cgroup2 rw 0 0\n");

        assertThat(layout.unifiedRoot()).contains(Path.of("/mnt/my cgroups"));
    }

    @Test
    void detectReadsThisHostsMounts() {
        CgroupLayout layout = CgroupLayout.detect();

        assertThat(layout.describe()).matches("(cgroup v1|cgroup v1 \\(hybrid\\)|cgroup v2|no cgroups), .*writable.*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../etc", "a/b", "Hello", "-leading-dash", "dot.ted", "with space",
            "a123456789012345678901234567890123456789012345678901234567890123"})
    void namesThatAreNotLowercaseLabelsAreRejectedBeforeAnythingIsTouched(String name) {
        CgroupLayout layout = CgroupLayout.parse(V2);

        assertThatThrownBy(() -> Cgroup.create(layout, name, new CgroupLimits(1, 64L << 20, 64)))
                .isInstanceOf(CgroupException.class)
                .hasMessageStartingWith("invalid cgroup name '" + name + "'");
        assertThatThrownBy(() -> Cgroups.removeLeftover(layout, name)).isInstanceOf(CgroupException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "..", "edgefaas/../..", "./edgefaas", "edgefaas/x/.."})
    void openRefusesPathsThatLeaveTheHierarchy(String path) {
        assertThatThrownBy(() -> Cgroup.open(CgroupLayout.parse(V2), path))
                .isInstanceOf(CgroupException.class)
                .hasMessageStartingWith("invalid cgroup path");
    }

    @Test
    void openOfAGroupNoHierarchyHasSaysSo() {
        CgroupLayout layout = CgroupLayout.parse(V1_SEPARATE);

        assertThatThrownBy(() -> Cgroup.open(layout, "edgefaas/surely-not-there-4711"))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("no cgroup edgefaas/surely-not-there-4711 in any of");
    }
}
