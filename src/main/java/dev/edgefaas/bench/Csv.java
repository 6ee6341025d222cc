package dev.edgefaas.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CSV as RFC 4180 has it, by Jackson's CSV module: a field with a comma, a quote or a line
 * break is quoted when written and read back whole. Every CSV of the bench (results, the
 * paper's data) goes through here, never through {@code split(",")}.
 */
public final class Csv {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .enable(CsvParser.Feature.TRIM_SPACES)
            .build();
    private static final ObjectWriter LINE = MAPPER.writerFor(String[].class)
            .with(CsvSchema.emptySchema().withLineSeparator(""));
    private static final ObjectReader ROWS = MAPPER.readerFor(String[].class).with(CsvSchema.emptySchema());

    /** One record of a file: its fields and the line it starts on (1-based), for messages. */
    public record Row(int line, List<String> fields) {
    }

    private Csv() {
    }

    /** One record, without a line break; fields quoted where they need it. */
    public static String line(String... fields) {
        try {
            return LINE.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a CSV line of " + Arrays.toString(fields), e);
        }
    }

    /**
     * Every record of {@code file}, the header first; blank lines skipped, fields trimmed, a
     * leading byte-order mark dropped.
     *
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and line if a quoted field never ends
     */
    public static List<Row> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Row> read(Reader reader, String where) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (MappingIterator<String[]> records = ROWS.readValues(reader)) {
            while (records.hasNextValue()) {
                int line = records.getCurrentLocation().getLineNr();
                String[] fields = records.nextValue();
                if (rows.isEmpty() && fields.length > 0) {
                    fields[0] = fields[0].replace("\uFEFF", "");
                }
                rows.add(new Row(line, List.of(fields)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ":" + e.getLocation().getLineNr() + ": not CSV: "
                    + e.getOriginalMessage(), e);
        }
        return rows;
    }
}
