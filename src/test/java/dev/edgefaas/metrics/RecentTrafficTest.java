package dev.edgefaas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentTrafficTest {
    @Test
    void percentilesAreWithinTheBucketsTenPercent() {
        LatencyBuckets buckets = new LatencyBuckets();
        for (int millis = 1; millis <= 1000; millis++) {
            buckets.add(millis * 1_000_000L);
        }

        assertThat(buckets.percentileMillis(50)).isCloseTo(500, within(50.0));
        assertThat(buckets.percentileMillis(99)).isCloseTo(990, within(99.0));
        buckets.clear();
        assertThat(buckets.percentileMillis(99)).isZero();
    }

    @Test
    void countsRequestsAndFailuresButNotUnknownFunctions() {
        RecentTraffic traffic = new RecentTraffic();
        traffic.answered("f", 200, 2_000_000);
        traffic.answered("f", 500, 2_000_000);
        traffic.refused("f", 429);
        traffic.refused("nobody", 404);

        List<RecentTraffic.Point> series = traffic.series("f");
        assertThat(series).hasSize(RecentTraffic.SLOTS);
        // Summed: the three may straddle a slot's end.
        assertThat(series.stream().mapToLong(RecentTraffic.Point::requests).sum()).isEqualTo(3);
        assertThat(series.stream().mapToLong(RecentTraffic.Point::failures).sum()).isEqualTo(2);
        assertThat(series.getFirst().start()).isBefore(series.getLast().start());
        assertThat(traffic.series("nobody")).allMatch(point -> point.requests() == 0);

        traffic.forget("f");
        assertThat(traffic.series("f")).allMatch(point -> point.requests() == 0);
    }
}
