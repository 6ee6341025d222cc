package dev.edgefaas.cli;

import dev.edgefaas.bench.experiment.MachineFacts;
import dev.edgefaas.bench.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Renders figures, report.html and report.md from a results.csv, e.g. of an interrupted run.")
final class BenchRenderCommand implements Callable<Integer> {
    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "The results.csv to render.")
    Path csv;
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: beside the CSV).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(csv)) {
            System.err.println("--csv: " + csv + " does not exist");
            return 2;
        }
        Path directory = Files.createDirectories(out != null ? out : csv.toAbsolutePath().getParent());
        Path html = Report.render(csv, directory, MachineFacts.collect(BenchOptions.backends()),
                List.of("Rendered from " + csv + "; experiments missing from it were not run or were interrupted."));
        System.out.println(html);
        return 0;
    }
}
