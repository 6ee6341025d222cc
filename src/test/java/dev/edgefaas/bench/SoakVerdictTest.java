package dev.edgefaas.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SoakVerdictTest {
    private static final long MIB = 1024 * 1024;

    private static GatewayFootprint footprint(long heapMib, int fds, int instances) {
        return new GatewayFootprint(heapMib * MIB, fds, 30, instances);
    }

    @Test
    void aSoakWithoutLossOrGrowthPasses() {
        SoakVerdict verdict = SoakVerdict.of(0, footprint(40, 120, 4), footprint(41, 121, 4));

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.line()).isEqualTo("soak: PASS");
    }

    @Test
    void oneLostRequestFails() {
        assertThat(SoakVerdict.of(1, footprint(40, 120, 4), footprint(40, 120, 4)).line())
                .isEqualTo("soak: FAIL: 1 requests lost (failed after every retry)");
    }

    @Test
    void aSmallHeapMayGrowByTheFixedSlackAndALargeOneByItsFraction() {
        assertThat(SoakVerdict.of(0, footprint(10, 120, 4), footprint(25, 120, 4)).passed()).isTrue();
        assertThat(SoakVerdict.of(0, footprint(10, 120, 4), footprint(26, 120, 4)).passed()).isFalse();
        assertThat(SoakVerdict.of(0, footprint(200, 120, 4), footprint(239, 120, 4)).passed()).isTrue();
        assertThat(SoakVerdict.of(0, footprint(200, 120, 4), footprint(240, 120, 4)).line())
                .startsWith("soak: FAIL: heap grew by 40.0 MiB");
    }

    @Test
    void descriptorsMayGrowByTheSlackOnlyAtTheSameNumberOfInstances() {
        assertThat(SoakVerdict.of(0, footprint(40, 120, 4), footprint(40, 128, 4)).passed()).isTrue();
        assertThat(SoakVerdict.of(0, footprint(40, 120, 4), footprint(40, 129, 4)).line())
                .isEqualTo("soak: FAIL: open descriptors grew by 9 (120 -> 129; allowed: 8)");
        assertThat(SoakVerdict.of(0, footprint(40, 120, 4), footprint(40, 110, 3)).line())
                .contains("instances did not settle to the same count (4 at warm start, 3 at the end)");
    }

    @Test
    void everyReasonIsTold() {
        assertThat(SoakVerdict.of(2, footprint(10, 120, 4), footprint(30, 140, 4)).failures()).hasSize(3);
    }
}
