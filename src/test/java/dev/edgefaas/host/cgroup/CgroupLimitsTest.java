package dev.edgefaas.host.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CgroupLimitsTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void halfACpuIsHalfOfEveryPeriod() {
        assertThat(new CgroupLimits(0.5, 64 * MIB, 64).cpuQuotaMicros()).isEqualTo(50_000);
        assertThat(new CgroupLimits(2, 64 * MIB, 64).cpuQuotaMicros()).isEqualTo(200_000);
    }

    @Test
    void aTinyCpuShareIsRaisedToTheKernelsMinimumQuota() {
        assertThat(new CgroupLimits(0.001, 64 * MIB, 64).cpuQuotaMicros()).isEqualTo(1_000);
    }

    @Test
    void cpusMustBePositiveAndFinite() {
        for (double vcpus : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new CgroupLimits(vcpus, 64 * MIB, 64))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("vcpus");
        }
    }

    @Test
    void memoryBelowFourMibIsRefused() {
        assertThat(new CgroupLimits(1, 4 * MIB, 1).memoryBytes()).isEqualTo(4 * MIB);
        assertThatThrownBy(() -> new CgroupLimits(1, 4 * MIB - 1, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memoryBytes must be at least 4194304");
    }

    @Test
    void pidsMaxOfZeroIsRefusedRatherThanReadAsUnlimited() {
        assertThatThrownBy(() -> new CgroupLimits(1, 64 * MIB, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pidsMax must be at least 1");
    }
}
