package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.KeepAliveConnection;
import dev.edgefaas.bench.WarmOverhead;
import java.net.URI;
import org.HdrHistogram.Histogram;

/** The paper's harness overhead: one warm instance asked directly and through the gateway, interleaved. */
public final class WarmOverheadExperiment implements Experiment {
    @Override
    public String name() {
        return WarmOverhead.EXPERIMENT;
    }

    @Override
    public String figure() {
        return "Sec. 3";
    }

    @Override
    public int steps(Settings settings) {
        return 1;
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        String function = "warm-fn";
        context.platform().deploySample("hello-go", function, "\"max-instances\": 1, \"concurrency\": 100000");
        URI gateway = context.platform().gateway(function, "/");
        try (KeepAliveConnection first = new KeepAliveConnection(gateway)) {
            first.get();
        }
        URI direct = URI.create(context.platform().instanceEndpoint(function) + "/");
        int requests = context.settings().quick() ? 1_000 : 20 * Math.max(1, context.settings().reps());
        WarmOverhead.Latency latency = WarmOverhead.latency(direct, gateway, requests, context.settings().quick() ? 2_000 : 20_000);
        emit(context, "direct", latency.direct());
        emit(context, "gateway", latency.gateway());
        context.emit("go", "", 0, "overhead_p50", latency.overheadMicrosAtP50(), "us");
        context.step("interleaved direct and gateway");
    }

    private static void emit(ExperimentContext context, String path, Histogram nanos) {
        for (double p : new double[] {50, 90, 99}) {
            context.emit("go", "path=" + path, 0, "latency_p" + (int) p, nanos.getValueAtPercentile(p) / 1e3, "us");
        }
        context.emit("go", "path=" + path, 0, "latency_mean", nanos.getMean() / 1e3, "us");
    }
}
