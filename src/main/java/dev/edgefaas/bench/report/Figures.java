package dev.edgefaas.bench.report;

import dev.edgefaas.bench.report.FigureSpec.Metric;
import java.util.List;

/**
 * The report's figures, one per figure of the paper's section 4 plus the gateway's warm
 * overhead. This list is the contract with the experiments: a figure appears when the results
 * hold rows of its experiment and one of its metrics.
 */
public final class Figures {

    private static final String ATTEMPT = "attempt";

    /** In report order. */
    public static final List<FigureSpec> ALL = List.of(
            FigureSpec.bar("fig03-cold-start", "cold-start", "Fig. 3: single cold start (median)", null,
                    new Metric("latency", "cold start latency")),
            FigureSpec.line("fig04-burst", "burst", "Fig. 4: n concurrent cold starts (median request latency)",
                    "n", "concurrent cold starts n", new Metric("latency", "request latency")),
            FigureSpec.bar("fig05-startup-cost", "startup-cost", "Fig. 5: cost of starting one instance (median)",
                    null, new Metric("instructions", "instructions to start"),
                    new Metric("cpu_time", "CPU time to start")),
            FigureSpec.bar("fig06-idle-cpu", "idle-cpu", "Fig. 6: CPU use of an idle instance over 1 s (median)",
                    null, new Metric("instructions", "instructions in 1 s idle"),
                    new Metric("cpu_time", "CPU time in 1 s idle")).withLogY(),
            FigureSpec.line("fig07-idle-memory", "idle-memory", "Fig. 7: memory of n idle instances (median)",
                    "n", "idle instances n", new Metric("memavailable_drop", "MemAvailable drop")),
            FigureSpec.bar("fig08-fib", "cpu", "Fig. 8: fib(1e9), first and second warm call (median)", ATTEMPT,
                    new Metric("time", "time")),
            FigureSpec.bar("fig09-matrix", "matrix", "Fig. 9: 1024x1024 matrix multiplication (median)", ATTEMPT,
                    new Metric("time", "time")),
            FigureSpec.bar("fig10-alloc", "alloc", "Fig. 10: allocate and touch 50 MiB (median)", ATTEMPT,
                    new Metric("time", "time")),
            FigureSpec.line("fig11-network", "network", "Fig. 11: no-op requests per second (median)", "clients",
                    "concurrent clients", new Metric("throughput", "throughput"))
                    .onlyParameters(p -> !Parameters.has(p, "static")).allLanguagesTogether().withLog2X(),
            FigureSpec.bar("fig12-static", "network", "Fig. 12: 50 MiB static file to 4 clients (median)", null,
                    new Metric("throughput", "throughput"))
                    .onlyParameters(p -> Parameters.has(p, "static")),
            FigureSpec.bar("fig13-read", "read", "Fig. 13: read a 50 MiB file (median)", ATTEMPT,
                    new Metric("time", "time")),
            FigureSpec.bar("fig14-warm-overhead", "warm-overhead",
                    "Warm request: direct, through the gateway, through nginx where installed (median)", "path",
                    new Metric("latency", "warm request latency"), new Metric("latency_p50", "warm request latency"),
                    new Metric("latency_mean", "warm request latency (mean)")));

    private Figures() {
    }

    /** Experiments that have a figure, in report order. */
    public static List<String> experiments() {
        return ALL.stream().map(FigureSpec::experiment).distinct().toList();
    }
}
