package dev.edgefaas.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the mapping against the means /work/shared/reference/README.md quotes. */
class PaperDataTest {

    private static PaperData paper;

    @BeforeAll
    static void loadReferenceData() {
        Path directory = PaperData.locate().orElseThrow(() -> new AssertionError(
                "no shared/reference/paper-data above " + Path.of("").toAbsolutePath() + "; set -D"
                        + PaperData.DIRECTORY_PROPERTY));
        paper = PaperData.load(directory);
    }

    @Test
    void coldStartMeansMatchThePaperInMilliseconds() {
        assertThat(mean("cold-start", "docker", "go", "", "latency")).isCloseTo(360, within(5.0));
        assertThat(mean("cold-start", "docker", "node", "", "latency")).isCloseTo(383, within(5.0));
        assertThat(mean("cold-start", "gvisor", "go", "", "latency")).isCloseTo(656, within(5.0));
        assertThat(mean("cold-start", "linux", "go", "", "latency")).isCloseTo(390, within(5.0));
        assertThat(mean("cold-start", "nanos", "go", "", "latency")).isCloseTo(111, within(5.0));
        assertThat(mean("cold-start", "osv", "node", "", "latency")).isCloseTo(291, within(5.0));
        assertThat(summary("cold-start", "docker", "go", "", "latency").unit()).isEqualTo("ms");
    }

    @Test
    void burstOfOneHundredMatchesThePaperMeans() {
        assertThat(mean("burst", "docker", "go", "n=100", "latency")).isCloseTo(6450, within(50.0));
        assertThat(mean("burst", "gvisor", "node", "n=100", "latency")).isCloseTo(16670, within(50.0));
        assertThat(mean("burst", "nanos", "go", "n=100", "latency")).isCloseTo(710, within(50.0));
        assertThat(summary("burst", "osv", "go", "n=100", "latency").count()).isEqualTo(100);
    }

    @Test
    void idleMemoryPerInstanceMatchesThePaperMeans() {
        assertThat(mean("idle-memory", "docker", "go", "", "per_instance")).isCloseTo(3.9, within(0.1));
        assertThat(mean("idle-memory", "nanos", "node", "", "per_instance")).isCloseTo(160.8, within(0.1));
        assertThat(mean("idle-memory", "linux", "go", "", "per_instance")).isCloseTo(59.9, within(0.1));
        assertThat(summary("idle-memory", "docker", "go", "n=10", "memavailable_drop").median()).isEqualTo(36);
    }

    @Test
    void warmRequestTakesAboutOneMillisecondMoreThroughTheHarness() {
        double gateway = mean("warm-overhead", PaperData.ANY_TARGET, "go", "path=gateway", "latency");
        double direct = mean("warm-overhead", PaperData.ANY_TARGET, "go", "path=direct", "latency");
        assertThat(gateway).isCloseTo(2200, within(100.0));
        assertThat(direct).isCloseTo(1300, within(100.0));
    }

    @Test
    void matrixTimesAreAlreadyMillisecondsAndFibTimesAreConverted() {
        assertThat(summary("matrix", "nanos", "go", "attempt=first;n=1024", "time").median()).isBetween(200.0, 600.0);
        assertThat(summary("cpu", "docker", "go", "attempt=first;n=1000000000", "time").median()).isBetween(300.0, 800.0);
    }

    @Test
    void rawRuntimeTargetsAreFiledUnderDockerAndGvisor() {
        assertThat(paper.table().find(new SeriesKey("startup-cost", "docker", "go", "", "instructions"))).isPresent();
        assertThat(paper.table().find(new SeriesKey("startup-cost", "gvisor", "node", "page-cache=warm",
                "instructions"))).isPresent();
        assertThat(paper.table().sandboxes()).doesNotContain("runc", "runsc");
    }

    @Test
    void eachSandboxComparesWithThePaperTargetOfItsKind() {
        assertThat(PaperData.targetFor("runc")).hasValue("docker");
        assertThat(PaperData.targetFor("crun")).hasValue("docker");
        assertThat(PaperData.targetFor("runsc")).hasValue("gvisor");
        assertThat(PaperData.targetFor("qemu-microvm")).hasValue("linux");
        assertThat(PaperData.targetFor("firecracker")).hasValue("linux");
        assertThat(PaperData.targetFor("nanos")).hasValue("nanos");
        assertThat(PaperData.targetFor("osv")).hasValue("osv");
        assertThat(PaperData.targetFor("process")).isEmpty();
        assertThat(PaperData.label("docker")).isEqualTo("runc (paper, Docker)");
        assertThat(PaperData.label("linux")).isEqualTo("linux microVM (paper, Firecracker)");
    }

    @Test
    void referenceFindsTheComparableSummaryForOneOfOurs() {
        assertThat(paper.reference(new SeriesKey("cold-start", "crun", "go", "", "latency"), "ms"))
                .hasValueSatisfying(s -> assertThat(s.key().sandbox()).isEqualTo("docker"));
        assertThat(paper.reference(new SeriesKey("cold-start", "process", "go", "", "latency"), "ms")).isEmpty();
        assertThat(paper.reference(new SeriesKey("cold-start", "runc", "go", "", "latency"), "s")).isEmpty();
        assertThat(paper.reference(new SeriesKey("warm-overhead", "process", "go", "path=direct", "latency_p50"), "us"))
                .hasValueSatisfying(s -> assertThat(s.key().metric()).isEqualTo("latency"));
    }

    @Test
    void aParameterWithMoreDetailThanThePapersStillFindsIt() {
        assertThat(paper.reference(new SeriesKey("read", "runsc", "go", "attempt=second;size=big", "time"), "ms"))
                .hasValueSatisfying(s -> assertThat(s.key().parameter()).isEqualTo("attempt=second"));
        assertThat(paper.reference(new SeriesKey("warm-overhead", "runc", "go", "path=gateway;clients=64",
                "latency_p50"), "us")).hasValueSatisfying(s -> assertThat(s.key().parameter()).isEqualTo("path=gateway"));
        assertThat(paper.reference(new SeriesKey("burst", "runc", "go", "n=15", "latency"), "ms")).isEmpty();
    }

    @Test
    void aSmallerWorkloadThanThePapersFindsNoPaperValue() {
        assertThat(paper.reference(new SeriesKey("cpu", "runsc", "go", "attempt=first;n=100000000", "time"), "ms")).isEmpty();
        assertThat(paper.reference(new SeriesKey("cpu", "runsc", "go", "attempt=first;n=1000000000", "time"), "ms")).isPresent();
        assertThat(paper.reference(new SeriesKey("matrix", "runc", "go", "attempt=first;n=256", "function_time"), "ms")).isEmpty();
    }

    @Test
    void aMissingDirectoryIsReportedWithTheFix(@TempDir Path empty) {
        assertThatThrownBy(() -> PaperData.load(empty.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PaperData.DIRECTORY_PROPERTY);
    }

    private static double mean(String experiment, String target, String language, String parameter, String metric) {
        return summary(experiment, target, language, parameter, metric).mean();
    }

    private static Summary summary(String experiment, String target, String language, String parameter,
                                   String metric) {
        SeriesKey key = new SeriesKey(experiment, target, language, parameter, metric);
        return paper.table().find(key).orElseThrow(() -> new AssertionError("no paper data for " + key));
    }
}
