package dev.edgefaas.bench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.bench.ResultRow;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV a run appends to: what an earlier run left in it is counted, so a command can say so. */
class ResultSinkTest {
    @TempDir
    Path directory;

    @Test
    void aFileThatIsNotThereHoldsNoRows() {
        assertThat(ResultSink.rowsIn(directory.resolve("results.csv"))).isZero();
    }

    @Test
    void theRowsOfEarlierRunsAreCountedWithoutTheHeader() {
        Path csv = directory.resolve("results.csv");
        try (ResultSink first = new ResultSink(csv)) {
            first.emit(row(1));
            first.emit(row(2));
        }
        assertThat(ResultSink.rowsIn(csv)).isEqualTo(2);

        try (ResultSink second = new ResultSink(csv)) {
            second.emit(row(1));
        }
        assertThat(ResultSink.rowsIn(csv)).as("a second run appends; the header is written once").isEqualTo(3);
    }

    private static ResultRow row(int repetition) {
        return new ResultRow("cold-start", "process", "go", "start=boot", repetition, "latency", 12.5, "ms");
    }
}
