package dev.edgefaas.cli;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.bench.experiment.BenchRunner;
import dev.edgefaas.bench.experiment.Experiment;
import dev.edgefaas.bench.experiment.ExperimentCatalog;
import dev.edgefaas.bench.experiment.MachineFacts;
import dev.edgefaas.bench.report.Report;
import dev.edgefaas.sandbox.SandboxBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Runs the experiments (default: all) over the sandboxes and writes results.csv, one figure per",
            "paper figure (PNG and SVG), report.html and report.md beside the paper's numbers."})
final class BenchReportCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;
    @Option(names = "--only", split = ",", paramLabel = "EXPERIMENT", description = "Run only these experiments.")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        Map<String, SandboxBackend> backends = BenchOptions.backends();
        List<String> sandboxes = options.sandboxes(backends);
        List<Experiment> experiments = new ArrayList<>();
        for (Experiment experiment : ExperimentCatalog.all()) {
            if (only == null || only.contains(experiment.name())) {
                experiments.add(experiment);
            }
        }
        if (only != null && experiments.size() != only.size()) {
            throw options.usageError("--only: unknown experiment in " + only + "; experiments are "
                    + ExperimentCatalog.all().stream().map(Experiment::name).toList());
        }
        Path directory = Files.createDirectories(options.outputDirectory());
        Path csv = directory.resolve("results.csv");
        System.err.println("report: " + experiments.size() + " experiments on " + sandboxes + " -> " + directory);
        List<BenchRunner.Failure> failures = new BenchRunner(System.err, BenchPlatform.benchStateDirectory()).run(experiments, sandboxes, options.settings(), csv);
        List<String> caveats = new ArrayList<>(List.of(
                "Start-up and idle cost are CPU time of the instance's cgroup: perf's instruction counters are not"
                        + " available on this host, and the paper counted instructions.",
                "Our containers run through the runtime CLI directly; the paper's went through Docker.",
                "gVisor runs with the ptrace platform here; the paper used KVM."));
        List<String> emulated = sandboxes.stream()
                .filter(name -> backends.get(name).probe().summary().startsWith("tcg")).toList();
        if (!emulated.isEmpty()) {
            caveats.add(String.join(", ", emulated) + " ran under QEMU's TCG (no KVM that can run guests here): every"
                    + " guest instruction is emulated, so boots take seconds and CPU-bound times are not comparable;"
                    + " the paper's virtual machines ran on Firecracker with KVM.");
        }
        List<String> restoring = sandboxes.stream().filter(name -> backends.get(name).restoresSnapshots()).toList();
        if (!restoring.isEmpty()) {
            caveats.add("start=restore on " + String.join(", ", restoring) + ": clones of one snapshot per function"
                    + " version (the paper has none; its Firecracker VMs boot). A clone starts with the snapshot's"
                    + " random-generator state: Linux guests get a new vmgenid, which only a kernel with"
                    + " CONFIG_VMGENID acts on (not the Debian cloud or minimal kernel); Nanos and OSv have no"
                    + " vmgenid driver and do not reseed on restore.");
        }
        if (options.settings().quick()) {
            caveats.add("Quick run: " + options.settings().reps() + " repetitions and fewer points than the paper.");
        }
        failures.forEach(f -> caveats.add("No data: " + f.experiment() + " on " + f.sandbox() + " failed: " + f.message()));
        Path html = Report.render(csv, directory, MachineFacts.collect(backends), caveats);
        System.out.println(html);
        return 0;
    }
}
