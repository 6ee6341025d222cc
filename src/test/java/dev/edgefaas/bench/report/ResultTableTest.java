package dev.edgefaas.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgefaas.bench.ResultRow;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {

    @TempDir
    Path directory;

    @Test
    void summarizesEachMeasurementOverItsRepetitions() throws Exception {
        Path csv = write("""
                cold-start,runc,go,,1,latency,5,ms
                cold-start,runc,go,,2,latency,1,ms
                cold-start,runc,go,,3,latency,3,ms
                cold-start,runc,go,,4,latency,2,ms
                cold-start,runc,go,,5,latency,4,ms
                cold-start,runc,node,,1,latency,10,ms
                cold-start,runc,node,,2,latency,20,ms
                """);

        ResultTable table = ResultTable.load(csv);

        Summary go = table.find(new SeriesKey("cold-start", "runc", "go", "", "latency")).orElseThrow();
        assertThat(go.count()).isEqualTo(5);
        assertThat(go.median()).isEqualTo(3);
        assertThat(go.mean()).isEqualTo(3);
        assertThat(go.min()).isEqualTo(1);
        assertThat(go.max()).isEqualTo(5);
        // Linear interpolation: rank 0.95 * 4 = 3.8, between 4 and 5.
        assertThat(go.p95()).isCloseTo(4.8, within(1e-9));
        assertThat(go.unit()).isEqualTo("ms");
        Summary node = table.find(new SeriesKey("cold-start", "runc", "node", "", "latency")).orElseThrow();
        assertThat(node.median()).isEqualTo(15);
    }

    @Test
    void keepsTheOrderInWhichSandboxesAndExperimentsFirstAppear() throws Exception {
        Path csv = write("""
                burst,runsc,go,n=10,1,latency,7,ms
                burst,process,go,n=10,1,latency,1,ms
                cold-start,runc,go,,1,latency,3,ms
                """);

        ResultTable table = ResultTable.load(csv);

        assertThat(table.experiments()).containsExactly("burst", "cold-start");
        assertThat(table.sandboxes()).containsExactly("runsc", "process", "runc");
    }

    @Test
    void toleratesQuotedFieldsBlankLinesAndCompoundParameters() throws Exception {
        Path csv = write("""
                "network","runc","go","static;clients=4","1","throughput","812.5","MiB/s"

                warm-overhead,process,go,path=gateway;clients=64,0,latency_p50,350,us
                """);

        ResultTable table = ResultTable.load(csv);

        assertThat(table.find(new SeriesKey("network", "runc", "go", "static;clients=4", "throughput")))
                .hasValueSatisfying(s -> assertThat(s.median()).isEqualTo(812.5));
        assertThat(table.summaries("warm-overhead")).singleElement()
                .satisfies(s -> assertThat(s.key().parameter()).isEqualTo("path=gateway;clients=64"));
    }

    @Test
    void leavesFailedRepetitionsOutOfTheStatistics() throws Exception {
        Path csv = write("""
                cpu,runc,go,attempt=first,1,time,NaN,ms
                cpu,runc,go,attempt=first,2,time,10,ms
                """);

        Summary summary = ResultTable.load(csv).summaries().getFirst();

        assertThat(summary.count()).isEqualTo(1);
        assertThat(summary.median()).isEqualTo(10);
    }

    @Test
    void aFieldWithCommasAndQuotesSurvivesTheRoundTrip() throws Exception {
        ResultRow row = new ResultRow("warm-overhead", "runc", "go", "path=direct, clients=\"8\"", 1, "latency", 0.5, "ms");
        Path csv = write(row.csv() + "\n");

        assertThat(row.csv()).contains("\"path=direct, clients=\"\"8\"\"\"");
        assertThat(ResultTable.load(csv).summaries()).singleElement()
                .satisfies(summary -> assertThat(summary.key().parameter()).isEqualTo("path=direct, clients=\"8\""));
    }

    @Test
    void rejectsAFileWithoutTheTidyHeaderNamingWhatItFound() throws Exception {
        Path csv = directory.resolve("bad.csv");
        Files.writeString(csv, "a,b,c\n1,2,3\n");

        assertThatThrownBy(() -> ResultTable.load(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ResultRow.CSV_HEADER)
                .hasMessageContaining("a,b,c");
    }

    @Test
    void rejectsAMalformedRowNamingFileAndLine() throws Exception {
        Path csv = write("cold-start,runc,go,,1,latency,fast,ms\n");

        assertThatThrownBy(() -> ResultTable.load(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("results.csv:2")
                .hasMessageContaining("fast");
    }

    @Test
    void rejectsTwoUnitsForOneMeasurement() throws Exception {
        Path csv = write("""
                cold-start,runc,go,,1,latency,3,ms
                cold-start,runc,go,,2,latency,3000,us
                """);

        assertThatThrownBy(() -> ResultTable.load(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixed units");
    }

    private Path write(String rows) throws Exception {
        Path csv = directory.resolve("results.csv");
        Files.writeString(csv, ResultRow.CSV_HEADER + "\n" + rows);
        return csv;
    }
}
