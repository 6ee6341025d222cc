package dev.edgefaas.bench.report;

import java.util.Optional;

/**
 * One line of an experiment's table: our summary and the paper's comparable one, if any.
 *
 * @param paperLabel how the paper target is named, e.g. {@code "runc (paper, Docker)"}
 */
public record ComparisonRow(Summary ours, Optional<Summary> paper, Optional<String> paperLabel) {

    static ComparisonRow of(Summary ours, PaperData paperData) {
        Optional<Summary> paper = paperData.reference(ours.key(), ours.unit());
        return new ComparisonRow(ours, paper, paper.map(p -> PaperData.label(p.key().sandbox())));
    }

    /** Our median over the paper's; NaN without a paper value, in another unit, or zero. */
    public double ratio() {
        return paper.filter(p -> p.unit().equals(ours.unit()) && p.median() != 0)
                .map(p -> ours.median() / p.median())
                .orElse(Double.NaN);
    }
}
