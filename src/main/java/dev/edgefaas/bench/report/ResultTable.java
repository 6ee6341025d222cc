package dev.edgefaas.bench.report;

import dev.edgefaas.bench.Csv;
import dev.edgefaas.bench.ResultRow;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tidy results ({@link ResultRow#CSV_HEADER}) grouped into one {@link Summary} per
 * (experiment, sandbox, language, parameter, metric). Summaries keep the order in which their
 * first row appeared, so sandboxes appear in figures in the order the experiments ran them.
 * Non-finite values (a failed repetition written as NaN) are left out of the statistics.
 * Immutable.
 */
public final class ResultTable {
    private final List<ResultRow> rows;
    private final Map<SeriesKey, Summary> summaries;

    private ResultTable(List<ResultRow> rows, Map<SeriesKey, Summary> summaries) {
        this.rows = rows;
        this.summaries = summaries;
    }

    /**
     * Reads a results CSV (RFC 4180: quoted fields may hold commas). Blank lines are skipped, an
     * empty parameter is allowed.
     *
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and line if the header or a row is malformed
     */
    public static ResultTable load(Path csv) {
        List<Csv.Row> records = Csv.read(csv);
        String header = records.isEmpty() ? "" : String.join(",", records.getFirst().fields());
        if (!header.equals(ResultRow.CSV_HEADER)) {
            throw new IllegalArgumentException(csv + ": first line must be the header '" + ResultRow.CSV_HEADER
                    + "', found '" + header + "'");
        }
        List<ResultRow> rows = new ArrayList<>();
        for (Csv.Row record : records.subList(1, records.size())) {
            rows.add(parse(record.fields(), csv + ":" + record.line()));
        }
        return of(rows);
    }

    /** Groups rows already in memory; units must agree within a group. */
    public static ResultTable of(List<ResultRow> rows) {
        Map<SeriesKey, List<ResultRow>> groups = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            groups.computeIfAbsent(keyOf(row), k -> new ArrayList<>()).add(row);
        }
        Map<SeriesKey, Summary> summaries = new LinkedHashMap<>();
        groups.forEach((key, group) -> {
            String unit = group.getFirst().unit();
            for (ResultRow row : group) {
                if (!row.unit().equals(unit)) {
                    throw new IllegalArgumentException("mixed units for " + key + ": '" + unit + "' and '"
                            + row.unit() + "'; one measurement must use one unit");
                }
            }
            double[] values = group.stream().mapToDouble(ResultRow::value).filter(Double::isFinite).toArray();
            if (values.length > 0) {
                summaries.put(key, Summary.of(key, unit, values));
            }
        });
        return new ResultTable(List.copyOf(rows), summaries);
    }

    public static SeriesKey keyOf(ResultRow row) {
        return new SeriesKey(row.experiment(), row.sandbox(), row.language(), row.parameter(), row.metric());
    }

    public List<ResultRow> rows() {
        return rows;
    }

    /** All summaries, in order of first appearance. */
    public List<Summary> summaries() {
        return List.copyOf(summaries.values());
    }

    /** Summaries of one experiment, in order of first appearance. */
    public List<Summary> summaries(String experiment) {
        return summaries.values().stream().filter(s -> s.key().experiment().equals(experiment)).toList();
    }

    public Optional<Summary> find(SeriesKey key) {
        return Optional.ofNullable(summaries.get(key));
    }

    /** Experiments in order of first appearance. */
    public List<String> experiments() {
        return distinct(summaries.values().stream().map(s -> s.key().experiment()).toList());
    }

    /** Sandboxes (or paper targets) in order of first appearance. */
    public List<String> sandboxes() {
        return distinct(summaries.values().stream().map(s -> s.key().sandbox()).toList());
    }

    public boolean isEmpty() {
        return summaries.isEmpty();
    }

    private static List<String> distinct(List<String> values) {
        Set<String> seen = new LinkedHashSet<>(values);
        return List.copyOf(seen);
    }

    private static ResultRow parse(List<String> fields, String where) {
        if (fields.size() != 8) {
            throw new IllegalArgumentException(where + ": expected 8 fields (" + ResultRow.CSV_HEADER + "), found "
                    + fields.size() + " in '" + Csv.line(fields.toArray(String[]::new)) + "'");
        }
        try {
            return new ResultRow(fields.get(0), fields.get(1), fields.get(2), fields.get(3), Integer.parseInt(fields.get(4)),
                    fields.get(5), Double.parseDouble(fields.get(6)), fields.get(7));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": repetition must be an integer and value a number, found '"
                    + fields.get(4) + "' and '" + fields.get(6) + "'", e);
        }
    }
}
