package dev.edgefaas.cli;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.bench.HeyRun;
import dev.edgefaas.bench.KeepAliveConnection;
import dev.edgefaas.bench.LoadRun;
import dev.edgefaas.bench.ResultRow;
import dev.edgefaas.bench.WarmOverhead;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "warm-overhead", mixinStandardHelpOptions = true,
        description = {"What the gateway adds to a warm request: the same hello-go instance asked directly and",
            "through the gateway by the same client, interleaved; then throughput of both at many clients."})
final class WarmOverheadCommand implements Callable<Integer> {
    private static final String FUNCTION = "hello-bench";

    @Option(names = "--sandbox", defaultValue = "process", description = "Sandbox of the instance (default: ${DEFAULT-VALUE}).")
    String sandbox;
    @Option(names = "--requests", defaultValue = "5000", description = "Measured request pairs at one client (default: ${DEFAULT-VALUE}).")
    int requests;
    @Option(names = "--warmup", defaultValue = "20000", description = "Unrecorded request pairs first, so the JIT has compiled both paths (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--clients", defaultValue = "64", description = "Clients of the throughput run (default: ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--throughput-requests", defaultValue = "32768", description = "Requests per throughput run (default: ${DEFAULT-VALUE}).")
    int throughputRequests;
    @Option(names = "--rounds", defaultValue = "3", description = "Throughput rounds, direct and gateway alternating (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--load", defaultValue = "auto", paramLabel = "hey|builtin|auto",
            description = "Load generator of the throughput runs: hey in its own process, or the built-in client in"
                    + " this JVM; auto takes hey where installed (default: ${DEFAULT-VALUE}).")
    String load;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write tidy CSV rows to FILE.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        try (BenchPlatform bench = new BenchPlatform(sandbox, BenchPlatform.benchStateDirectory())) {
            bench.deploySample("hello-go", FUNCTION, "\"max-instances\": 1, \"concurrency\": 100000");
            URI gateway = bench.gateway(FUNCTION, "/");
            try (KeepAliveConnection first = new KeepAliveConnection(gateway)) {
                first.get();
            }
            URI direct = URI.create(bench.instanceEndpoint(FUNCTION) + "/");
            System.err.printf("warm-overhead: %s instance at %s; %d interleaved request pairs at 1 client%n",
                    sandbox, direct, requests);
            WarmOverhead.Latency latency = WarmOverhead.latency(direct, gateway, requests, warmup);
            print("direct ", latency.direct());
            print("gateway", latency.gateway());
            System.out.printf("gateway adds %.1f us at p50, %.1f us at p99%n", latency.overheadMicrosAtP50(),
                    (latency.gateway().getValueAtPercentile(99) - latency.direct().getValueAtPercentile(99)) / 1e3);

            List<ResultRow> rows = new ArrayList<>(WarmOverhead.rows(sandbox, latency));
            boolean hey = load.equals("hey") || (load.equals("auto") && HeyRun.available());
            WarmOverhead.Load generator = hey ? HeyRun::run : LoadRun::run;
            System.err.printf("warm-overhead: throughput at %d clients, %d requests per run, %d rounds, load from %s%n",
                    clients, throughputRequests, rounds, hey ? "hey" : "the built-in client");
            List<Double> ratios = new ArrayList<>();
            int round = 0;
            for (LoadRun.Result[] pair : WarmOverhead.throughput(generator, direct, gateway, clients, throughputRequests, rounds)) {
                round++;
                double ratio = pair[1].requestsPerSecond() / pair[0].requestsPerSecond();
                ratios.add(ratio);
                System.out.printf("round %d: direct %.0f req/s (%d errors), gateway %.0f req/s (%d errors): %.0f%% of direct%n",
                        round, pair[0].requestsPerSecond(), pair[0].errors(), pair[1].requestsPerSecond(), pair[1].errors(),
                        ratio * 100);
                rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", "path=direct;clients=" + clients, round,
                        "throughput", pair[0].requestsPerSecond(), "req/s"));
                rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", "path=gateway;clients=" + clients, round,
                        "throughput", pair[1].requestsPerSecond(), "req/s"));
            }
            double median = ratios.stream().sorted().toList().get(ratios.size() / 2);
            System.out.printf("gateway throughput at %d clients: median %.0f%% of direct%n", clients, median * 100);
            if (csv != null) {
                List<String> lines = new ArrayList<>(List.of(ResultRow.CSV_HEADER));
                rows.forEach(row -> lines.add(row.csv()));
                Files.write(csv, lines);
            }
        }
        return 0;
    }

    private static void print(String label, Histogram nanos) {
        System.out.printf("%s p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  mean %7.1f us%n", label,
                nanos.getValueAtPercentile(50) / 1e3, nanos.getValueAtPercentile(90) / 1e3,
                nanos.getValueAtPercentile(99) / 1e3, nanos.getMean() / 1e3);
    }
}
