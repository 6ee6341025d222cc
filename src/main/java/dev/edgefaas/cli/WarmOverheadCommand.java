package dev.edgefaas.cli;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.bench.GatewayFootprint;
import dev.edgefaas.bench.HeyRun;
import dev.edgefaas.bench.LoadRun;
import dev.edgefaas.bench.NginxProxy;
import dev.edgefaas.bench.ResultRow;
import dev.edgefaas.bench.WarmOverhead;
import dev.edgefaas.bench.WrkRun;
import dev.edgefaas.function.Durations;
import dev.edgefaas.http.KeepAliveConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "warm-overhead", mixinStandardHelpOptions = true,
        description = {"What the gateway adds to a warm request: the same hello-go instance asked directly, through",
            "the gateway and, where nginx is installed, through nginx (one worker, upstream keepalive 128) as a",
            "reference proxy, by the same client, interleaved; then throughput of each path at many clients."})
final class WarmOverheadCommand implements Callable<Integer> {
    private static final String FUNCTION = "hello-bench";

    @Option(names = "--sandbox", defaultValue = "process", description = "Sandbox of the instance (default: ${DEFAULT-VALUE}).")
    String sandbox;
    @Option(names = "--requests", defaultValue = "5000", description = "Measured rounds at one client, one request per path each (default: ${DEFAULT-VALUE}).")
    int requests;
    @Option(names = "--warmup", defaultValue = "20000", description = "Unrecorded rounds first, so the JIT has compiled the gateway's path; more follow, up to 10 times as many, until the JIT compilers are quiet (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--clients", defaultValue = "1,8,64,256", split = ",", description = "Clients of the throughput runs (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;
    @Option(names = "--throughput-requests", defaultValue = "32768", description = "Requests per throughput run; wrk runs for the time they would take at 20,000 req/s, at least 2 s (default: ${DEFAULT-VALUE}).")
    int throughputRequests;
    @Option(names = "--rounds", defaultValue = "3", description = "Throughput rounds, the paths taking turns (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--load", defaultValue = "auto", paramLabel = "wrk|hey|builtin|auto",
            description = "Load generator of the throughput runs: wrk or hey in a process of their own, or the built-in"
                    + " client in this JVM; auto takes wrk, else hey, where installed (default: ${DEFAULT-VALUE}).")
    String load;
    @Option(names = "--nginx", defaultValue = "auto", paramLabel = "auto|off",
            description = "Measure nginx beside the gateway where it is installed (default: ${DEFAULT-VALUE}).")
    String nginx;
    @Option(names = "--sustain", defaultValue = "60s", paramLabel = "DURATION",
            description = "Last, load the gateway alone at the largest --clients for this long and compare its heap"
                    + " after a full collection before and after; 0s skips it (default: ${DEFAULT-VALUE}).")
    String sustain;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write tidy CSV rows to FILE.")
    Path csv;
    @Mixin
    BusyPollOption busyPoll;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration sustained = duration("--sustain", sustain);
        Optional<Path> nginxBinary = nginx.equals("off") ? Optional.empty() : NginxProxy.binary();
        Duration polling = busyPoll.duration();
        try (BenchPlatform bench = new BenchPlatform(sandbox, BenchPlatform.benchStateDirectory(),
                config -> config.withBusyPoll(polling))) {
            bench.deploySample("hello-go", FUNCTION, "\"max-instances\": 1, \"concurrency\": 100000");
            URI gateway = bench.gateway(FUNCTION, "/");
            try (KeepAliveConnection first = new KeepAliveConnection(gateway)) {
                first.get();
            }
            URI instance = bench.instanceEndpoint(FUNCTION);
            try (NginxProxy proxy = nginxBinary.map(binary -> NginxProxy.start(binary, instance)).orElse(null)) {
                return measure(WarmOverhead.paths(instance, gateway, proxy), instance, sustained);
            }
        }
    }

    private int measure(Map<String, URI> paths, URI instance, Duration sustained) throws Exception {
        System.err.printf("warm-overhead: %s instance at %s; paths %s; %d interleaved rounds at 1 client%n",
                sandbox, instance, paths.keySet(), requests);
        WarmOverhead.Latency latency = WarmOverhead.latency(paths, requests, warmup);
        System.err.printf("warm-overhead: %d rounds of warm-up first, %s%n", latency.warmupRounds(), latency.jitQuiet()
                ? "until the JIT compilers were quiet" : "and the JIT compilers were not seen quiet: figures may be high");
        for (String path : paths.keySet()) {
            print(path, latency.of(path));
        }
        for (String path : paths.keySet()) {
            if (!path.equals(WarmOverhead.DIRECT)) {
                System.out.printf("%s adds %.1f us at p50, %.1f us at p99%n", path, latency.overheadMicros(path, 50),
                        latency.overheadMicros(path, 99));
            }
        }
        List<ResultRow> rows = new ArrayList<>(WarmOverhead.rows(sandbox, latency));
        String generatorName = load.equals("auto") ? WrkRun.available() ? "wrk" : HeyRun.available() ? "hey" : "builtin" : load;
        WarmOverhead.Load generator = switch (generatorName) {
            case "wrk" -> WrkRun::run;
            case "hey" -> HeyRun::run;
            default -> LoadRun::run;
        };
        for (int clientCount : clients) {
            System.err.printf("warm-overhead: throughput at %d clients, %d rounds, load from %s%n", clientCount, rounds,
                    generatorName);
            Map<String, List<Double>> perSecond = new LinkedHashMap<>();
            int round = 0;
            for (Map<String, LoadRun.Result> results : WarmOverhead.throughput(generator, paths, clientCount,
                    throughputRequests, rounds)) {
                round++;
                StringBuilder line = new StringBuilder("clients " + clientCount + " round " + round + ":");
                for (Map.Entry<String, LoadRun.Result> result : results.entrySet()) {
                    double rps = result.getValue().requestsPerSecond();
                    perSecond.computeIfAbsent(result.getKey(), k -> new ArrayList<>()).add(rps);
                    line.append(String.format(" %s %.0f req/s (%d errors)", result.getKey(), rps, result.getValue().errors()));
                    rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", "path=" + result.getKey() + ";clients="
                            + clientCount, round, "throughput", rps, "req/s"));
                }
                System.out.println(line);
            }
            double direct = median(perSecond.get(WarmOverhead.DIRECT));
            StringBuilder summary = new StringBuilder("clients " + clientCount + " median:");
            perSecond.forEach((path, values) -> summary.append(String.format(" %s %.0f req/s (%.2f of direct)", path,
                    median(values), median(values) / direct)));
            System.out.println(summary);
            System.out.println(perRoundShares(clientCount, perSecond));
        }
        boolean steady = true;
        if (!sustained.isZero()) {
            steady = sustain(generator, paths.get(WarmOverhead.GATEWAY), Collections.max(clients), sustained, rows);
        }
        if (csv != null) {
            List<String> lines = new ArrayList<>(List.of(ResultRow.CSV_HEADER));
            rows.forEach(row -> lines.add(row.csv()));
            Files.write(csv, lines);
        }
        return steady ? 0 : 1;
    }

    /**
     * The gateway under {@code clients} for {@code length}: no error allowed, and its heap after a
     * full collection (it runs in this JVM) no more than a tenth larger, and 8 MiB, than before.
     */
    private boolean sustain(WarmOverhead.Load generator, URI gateway, int clients, Duration length, List<ResultRow> rows)
            throws Exception {
        System.err.printf("warm-overhead: the gateway alone at %d clients for %s%n", clients, Durations.format(length));
        GatewayFootprint before = GatewayFootprint.settled(1);
        // The generators run for the time this many requests take at 20,000 req/s (wrk), or this many (hey, built-in).
        LoadRun.Result result = generator.run(gateway, clients, (int) Math.min(Integer.MAX_VALUE, length.toSeconds() * 20_000));
        GatewayFootprint after = GatewayFootprint.settled(1);
        boolean flat = after.heapBytes() <= before.heapBytes() * 1.1 + 8 * 1024 * 1024;
        System.out.printf("sustained at %d clients: %.0f req/s, %d errors; heap after GC %.1f -> %.1f MiB, fds %d -> %d: %s%n",
                clients, result.requestsPerSecond(), result.errors(), before.heapMib(), after.heapMib(), before.openFds(),
                after.openFds(), result.errors() == 0 && flat ? "steady" : "NOT steady");
        String parameters = "path=" + WarmOverhead.GATEWAY + ";clients=" + clients;
        rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", parameters, 1, "sustained_throughput",
                result.requestsPerSecond(), "req/s"));
        rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", parameters, 1, "sustained_errors", result.errors(), "count"));
        rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", parameters, 1, "heap_before", before.heapMib(), "MiB"));
        rows.add(new ResultRow(WarmOverhead.EXPERIMENT, sandbox, "go", parameters, 1, "heap_after", after.heapMib(), "MiB"));
        return result.errors() == 0 && flat;
    }

    private Duration duration(String option, String text) {
        return DurationOptions.parse(spec, option, text);
    }

    /**
     * Each path's share of direct within each round, and their median: the paths of a round ran
     * one after another, so a round's shares cancel what the machine did between rounds (here,
     * direct itself moved by 50% from one round to the next), which medians taken per path over
     * all rounds do not.
     */
    private static String perRoundShares(int clientCount, Map<String, List<Double>> perSecond) {
        List<Double> direct = perSecond.get(WarmOverhead.DIRECT);
        StringBuilder line = new StringBuilder("clients " + clientCount + " share of direct per round:");
        perSecond.forEach((path, values) -> {
            if (path.equals(WarmOverhead.DIRECT)) {
                return;
            }
            List<Double> shares = new ArrayList<>();
            for (int round = 0; round < values.size(); round++) {
                shares.add(values.get(round) / direct.get(round));
            }
            line.append(String.format(" %s %s (median %.2f)", path,
                    String.join("/", shares.stream().map(share -> String.format("%.2f", share)).toList()), median(shares)));
        });
        return line.toString();
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static void print(String label, Histogram nanos) {
        System.out.printf("%-8s p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  mean %7.1f us%n", label,
                nanos.getValueAtPercentile(50) / 1e3, nanos.getValueAtPercentile(90) / 1e3,
                nanos.getValueAtPercentile(99) / 1e3, nanos.getMean() / 1e3);
    }
}
