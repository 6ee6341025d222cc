package dev.edgefaas.bench.report;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The summaries one figure plots: ours and the paper's, one metric in one unit, optionally for
 * one language. Paper summaries are keyed by paper target.
 *
 * @param language   the language of a per-language figure, or null for all
 * @param paperPeaks the paper's {@code peak_<metric>} values, known only as single numbers
 */
record FigureData(FigureSpec spec, String metric, String quantity, String unit, String language,
                  List<Summary> ours, List<Summary> paper, List<Summary> paperPeaks) {

    /** The y axis title, e.g. {@code "cold start latency (ms)"}. */
    String yAxisTitle() {
        return quantity + " (" + unit + ")";
    }

    /** Parameter items shared by every one of our summaries: they tell series apart no more than the title. */
    Set<String> constantItems() {
        Set<String> common = null;
        for (Summary s : ours) {
            Set<String> items = Parameters.items(s.key().parameter());
            if (common == null) {
                common = new HashSet<>(items);
            } else {
                common.retainAll(items);
            }
        }
        return common == null ? Set.of() : common;
    }

    /**
     * The items of {@code parameter} that distinguish series: without {@code excluded} names and
     * without {@link #constantItems()}; empty if none is left.
     */
    String distinguishing(String parameter, Set<String> excluded) {
        Set<String> constant = constantItems();
        return Parameters.parse(parameter).entrySet().stream()
                .filter(e -> !excluded.contains(e.getKey()))
                .map(FigureData::item)
                .filter(item -> !constant.contains(item))
                .collect(Collectors.joining(";"));
    }

    private static String item(Map.Entry<String, String> entry) {
        return entry.getValue().isEmpty() ? entry.getKey() : entry.getKey() + "=" + entry.getValue();
    }
}
