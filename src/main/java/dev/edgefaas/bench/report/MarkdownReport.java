package dev.edgefaas.bench.report;

import java.util.List;

/** {@code report.md}: the report in GitHub-flavoured Markdown, figures as relative PNG links. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(ReportModel model) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(model.title()).append("\n\n");
        md.append("## Machine\n\n");
        if (model.machine().isEmpty()) {
            md.append("No machine facts were recorded.\n\n");
        } else {
            md.append("| fact | value |\n|---|---|\n");
            model.machine().forEach((fact, value) -> md.append("| ").append(Formats.markdownCell(fact)).append(" | ")
                    .append(Formats.markdownCell(value)).append(" |\n"));
            md.append('\n');
        }
        md.append("## Caveats\n\n");
        if (model.caveats().isEmpty()) {
            md.append("None recorded.\n");
        }
        model.caveats().forEach(caveat -> md.append("- ").append(caveat).append('\n'));
        md.append('\n').append(ReportModel.PAPER_NOTE).append("\n\n");
        for (ReportModel.Section section : model.sections()) {
            md.append("## ").append(section.heading()).append("\n\n");
            for (FigureRenderer.Rendered figure : section.figures()) {
                String name = figure.png().getFileName().toString();
                md.append("![").append(figure.spec().title()).append("](").append(name).append(")\n\n");
                md.append("[SVG](").append(figure.svg().getFileName()).append(")\n\n");
            }
            section.notes().forEach(note -> md.append(note).append("\n\n"));
            table(md, ReportModel.COLUMNS, section.rows().stream().map(ReportModel::cells).toList());
            if (!section.paperOnly().isEmpty()) {
                md.append("Paper values for metrics we did not measure:\n\n");
                table(md, ReportModel.PAPER_COLUMNS, section.paperOnly().stream().map(ReportModel::paperCells).toList());
            }
        }
        if (!model.notDrawn().isEmpty()) {
            md.append("## Not measured\n\n");
            model.notDrawn().forEach(s -> md.append("- ").append(s.spec().id()).append(" (").append(s.spec().title())
                    .append("): not drawn, ").append(s.reason()).append(".\n"));
        }
        return md.toString();
    }

    private static void table(StringBuilder md, List<String> columns, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        for (List<String> cells : rows) {
            md.append("| ").append(String.join(" | ", cells.stream().map(Formats::markdownCell).toList()))
                    .append(" |\n");
        }
        md.append('\n');
    }
}
