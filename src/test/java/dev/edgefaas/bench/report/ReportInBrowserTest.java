package dev.edgefaas.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.bench.ResultRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.edgefaas.testing.HeadlessChromium;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report as a reader sees it: opened in headless Chromium, every figure loaded, a screenshot taken. */
class ReportInBrowserTest {
    private static final Path CHROMIUM = HeadlessChromium.EXECUTABLE;
    private static final Pattern LOADED = Pattern.compile("<title>figures (\\d+)/(\\d+)</title>");

    @TempDir
    Path directory;

    @Test
    void everyFigureOfTheReportRendersInChromium() throws Exception {
        HeadlessChromium.assumeInstalled();
        Path html = writeReport();

        // A copy of the report that, once loaded, puts how many of its images decoded into its title.
        Path probe = directory.resolve("probe.html");
        Files.writeString(probe, Files.readString(html).replace("</body>", """
                <script>
                window.addEventListener('load', () => {
                  const images = [...document.images];
                  const loaded = images.filter(i => i.complete && i.naturalWidth > 0).length;
                  document.title = 'figures ' + loaded + '/' + images.length;
                });
                </script></body>"""));
        String dom = chromium("--dump-dom", probe.toUri().toString());
        chromium("--screenshot=" + directory.resolve("report.png"), "--window-size=1280,3000", html.toUri().toString());

        Matcher loaded = LOADED.matcher(dom);
        assertThat(loaded.find()).as("the probe's title in:%n%s", dom.substring(0, Math.min(500, dom.length()))).isTrue();
        assertThat(Integer.parseInt(loaded.group(2))).isGreaterThanOrEqualTo(3);
        assertThat(loaded.group(1)).isEqualTo(loaded.group(2));
        byte[] screenshot = Files.readAllBytes(directory.resolve("report.png"));
        assertThat(screenshot.length).isGreaterThan(10_000);
        assertThat(new String(screenshot, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    /** A report of synthetic results: bars (cold start, CPU) and lines (burst) for two sandboxes. */
    private Path writeReport() throws IOException {
        Path csv = directory.resolve("results.csv");
        List<String> lines = new ArrayList<>(List.of(ResultRow.CSV_HEADER));
        for (String sandbox : List.of("process", "runc")) {
            for (int rep = 1; rep <= 5; rep++) {
                lines.add(new ResultRow("cold-start", sandbox, "go", "", rep, "latency", 10.0 * rep, "ms").csv());
                lines.add(new ResultRow("cpu", sandbox, "go", "attempt=first", rep, "time", 900 + rep, "ms").csv());
            }
            for (int n = 10; n <= 30; n += 10) {
                lines.add(new ResultRow("burst", sandbox, "go", "n=" + n, 1, "latency", 5.0 * n, "ms").csv());
            }
        }
        Files.write(csv, lines);
        return Report.render(csv, directory, Map.of("cpu", "test"), List.of("synthetic data"));

    }

    @Test
    void itsFiguresShowValuesOnHoverAndHideASandboxWhenToggledWithoutAnError() throws Exception {
        HeadlessChromium.assumeInstalled();
        Path html = writeReport();
        try (HeadlessChromium browser = new HeadlessChromium(Files.createTempDirectory(directory, "profile-"))) {
            browser.navigate(html.toUri().toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.evaluate(
                    "document.readyState === 'complete' && document.querySelectorAll('.explore svg').length").asInt() > 0);

            int figures = browser.evaluate("document.querySelectorAll('.explore svg').length").asInt();
            assertThat(figures).isEqualTo(browser.evaluate("document.images.length").asInt());
            assertThat(browser.evaluate("[...document.images].every(i => i.hidden)").asBoolean())
                    .as("the PNGs, hidden where the script draws").isTrue();

            String bars = "document.querySelector('.explore[data-figure=fig03-cold-start]')";
            browser.evaluate(bars + ".querySelector('rect.mark').dispatchEvent(new Event('mouseenter'))");
            assertThat(browser.evaluate(bars + ".querySelector('.readout').textContent").asText())
                    .matches(".+ · process: [0-9.]+ ms");
            int before = browser.evaluate(bars + ".querySelectorAll('rect.mark').length").asInt();
            browser.click(".explore[data-figure=fig03-cold-start] input[data-toggle='category:runc']");
            assertThat(browser.evaluate(bars + ".querySelectorAll('rect.mark').length").asInt()).isLessThan(before);
            assertThat(browser.evaluate(bars + ".textContent.includes('runc')").asBoolean())
                    .as("runc's label still there only as its toggle").isTrue();

            String lines = "document.querySelector('.explore[data-figure^=fig]:has(circle)')";
            browser.evaluate(lines + ".querySelector('circle.mark').dispatchEvent(new Event('mouseenter'))");
            assertThat(browser.evaluate(lines + ".querySelector('.readout').textContent").asText()).contains(": ", "ms");
            browser.viewport(1100, 900, false);
            browser.screenshot(Path.of("target", "report-screenshots", "explorable.png"));
            assertThat(browser.errors()).as("errors the page reported").isEmpty();
        }
    }

    private String chromium(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--allow-file-access-from-files", "--virtual-time-budget=10000",
                "--user-data-dir=" + Files.createTempDirectory(directory, "chromium-")));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("chromium did not finish: " + command);
        }
        return output;
    }
}
