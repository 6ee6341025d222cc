package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.ResultRow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/** The tidy CSV of a run, written row by row and flushed, so an interrupted run keeps what it measured. */
public final class ResultSink implements AutoCloseable {
    private final BufferedWriter out;
    private int rows;

    public ResultSink(Path csv) {
        try {
            boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
            out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                out.write(ResultRow.CSV_HEADER);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + csv, e);
        }
    }

    /** The rows {@code csv} holds already (an earlier run's, which a new run's rows join), 0 if there is none. */
    public static long rowsIn(Path csv) {
        if (!Files.exists(csv)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            return Math.max(0, lines.filter(line -> !line.isBlank()).count() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ", where results would go", e);
        }
    }

    public synchronized void emit(ResultRow row) {
        try {
            out.write(row.csv());
            out.newLine();
            out.flush();
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a result row: is the disk full?", e);
        }
    }

    public synchronized int rows() {
        return rows;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
