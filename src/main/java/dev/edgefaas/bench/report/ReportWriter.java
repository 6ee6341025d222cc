package dev.edgefaas.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code report.md} and {@code report.html} into the directory that holds the figures,
 * which both reference by relative file name. Overwrites earlier reports.
 */
public final class ReportWriter {
    public static final String MARKDOWN_FILE = "report.md";
    public static final String HTML_FILE = "report.html";

    private ReportWriter() {
    }

    /**
     * @return the path of {@code report.html}
     * @throws UncheckedIOException if a file cannot be written
     */
    public static Path write(ReportModel model, Path outputDirectory) {
        Path html = outputDirectory.resolve(HTML_FILE);
        try {
            Files.createDirectories(outputDirectory);
            Files.writeString(outputDirectory.resolve(MARKDOWN_FILE), MarkdownReport.render(model),
                    StandardCharsets.UTF_8);
            Files.writeString(html, HtmlReport.render(model), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + outputDirectory + ": " + e.getMessage(), e);
        }
        return html;
    }
}
