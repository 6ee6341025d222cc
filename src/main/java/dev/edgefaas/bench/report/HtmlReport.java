package dev.edgefaas.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code report.html}: one self-contained page that opens offline. Its style, its script and
 * the figures' numbers are inline; the script draws each figure again to be explored (values
 * on hover, series and sandboxes toggled) and hides the figure's PNG, which stays beside the
 * page with the SVG for papers, and is what a reader without scripts sees. Every image states
 * its width and height.
 */
final class HtmlReport {
    private static final String CSS = """
            body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
            h1 { border-bottom: 2px solid #0072B2; padding-bottom: .3em; }
            h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
            th, td { border: 1px solid #ccc; padding: .25em .6em; }
            th { background: #f3f6fa; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            figure { margin: 1em 0; }
            img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { font-size: .9em; color: #555; }
            .note { color: #8a4b00; }
            .explore svg { width: 100%; height: auto; border: 1px solid #eee; }
            .explore h3 { font-size: 1em; margin: .5em 0; }
            .explore .grid { stroke: #e5e5e5; }
            .explore .tick { font-size: 12px; fill: #555; }
            .explore .axis { font-size: 13px; fill: #333; }
            .explore .mark:hover, .explore .mark:focus { stroke: #222; stroke-width: 2; outline: none; }
            .explore .toggles { font-size: .85em; display: grid; gap: .2em; }
            .explore .toggles label { margin-right: .8em; white-space: nowrap; }
            .explore .readout { font-size: .9em; color: #0072B2; min-height: 1.3em; margin: .2em 0; }
            """;
    private static final String SCRIPT = resource("/bench/report-figures.js");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Columns that hold numbers, right-aligned, for both tables. */
    private static final int FIRST_NUMERIC_COLUMN = 5;

    private HtmlReport() {
    }

    static String render(ReportModel model) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.append("<title>").append(Formats.html(model.title())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>").append(Formats.html(model.title())).append("</h1>\n");
        html.append("<h2>Machine</h2>\n<table>\n");
        model.machine().forEach((fact, value) -> html.append("<tr><th>").append(Formats.html(fact))
                .append("</th><td>").append(Formats.html(value)).append("</td></tr>\n"));
        html.append("</table>\n<h2>Caveats</h2>\n<ul>\n");
        model.caveats().forEach(c -> html.append("<li>").append(Formats.html(c)).append("</li>\n"));
        html.append("</ul>\n<p>").append(Formats.html(ReportModel.PAPER_NOTE)).append("</p>\n");
        html.append("<nav><ul>\n");
        model.sections().forEach(s -> html.append("<li><a href=\"#").append(s.experiment()).append("\">")
                .append(Formats.html(s.heading())).append("</a></li>\n"));
        html.append("</ul></nav>\n");
        for (ReportModel.Section section : model.sections()) {
            html.append("<section id=\"").append(Formats.html(section.experiment())).append("\">\n<h2>")
                    .append(Formats.html(section.heading())).append("</h2>\n");
            for (FigureRenderer.Rendered figure : section.figures()) {
                String png = Formats.html(figure.png().getFileName().toString());
                String svg = Formats.html(figure.svg().getFileName().toString());
                html.append("<figure><div class=\"explore\" data-figure=\"")
                        .append(Formats.html(figure.explorable().path("id").asText())).append("\"></div><img src=\"").append(png).append("\" width=\"").append(ChartStyle.WIDTH)
                        .append("\" height=\"").append(ChartStyle.HEIGHT).append("\" alt=\"")
                        .append(Formats.html(figure.spec().title())).append("\">\n<figcaption>")
                        .append(Formats.html(figure.spec().title())).append(" (<a href=\"").append(png).append("\">PNG</a>, <a href=\"")
                        .append(svg).append("\">SVG</a>)</figcaption></figure>\n");
            }
            section.notes().forEach(n -> html.append("<p class=\"note\">").append(Formats.html(n)).append("</p>\n"));
            table(html, ReportModel.COLUMNS, section.rows().stream().map(ReportModel::cells).toList());
            if (!section.paperOnly().isEmpty()) {
                html.append("<p>Paper values for metrics we did not measure:</p>\n");
                table(html, ReportModel.PAPER_COLUMNS,
                        section.paperOnly().stream().map(ReportModel::paperCells).toList());
            }
            html.append("</section>\n");
        }
        if (!model.notDrawn().isEmpty()) {
            html.append("<h2>Not measured</h2>\n<ul>\n");
            model.notDrawn().forEach(s -> html.append("<li>").append(Formats.html(s.spec().id() + " ("
                    + s.spec().title() + "): not drawn, " + s.reason() + ".")).append("</li>\n"));
            html.append("</ul>\n");
        }
        figureData(html, model);
        return html.append("</body>\n</html>\n").toString();
    }

    /** Every figure's numbers as JSON, and the script that draws them; {@code </} is escaped so no value ends the script. */
    private static void figureData(StringBuilder html, ReportModel model) {
        ArrayNode figures = JSON.createArrayNode();
        model.sections().forEach(section -> section.figures().forEach(figure -> figures.add(figure.explorable())));
        html.append("<script type=\"application/json\" id=\"figure-data\">")
                .append(figures.toString().replace("</", "<\\/")).append("</script>\n<script>\n")
                .append(SCRIPT).append("</script>\n");
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + name + ": rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void table(StringBuilder html, List<String> columns, List<List<String>> rows) {
        html.append("<table>\n<tr>");
        columns.forEach(c -> html.append("<th>").append(Formats.html(c)).append("</th>"));
        html.append("</tr>\n");
        for (List<String> cells : rows) {
            html.append("<tr>");
            for (int i = 0; i < cells.size(); i++) {
                html.append(i >= FIRST_NUMERIC_COLUMN ? "<td class=\"num\">" : "<td>")
                        .append(Formats.html(cells.get(i))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }
}
