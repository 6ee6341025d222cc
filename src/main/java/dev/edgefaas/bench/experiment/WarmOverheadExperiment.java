package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.NginxProxy;
import dev.edgefaas.bench.ResultRow;
import dev.edgefaas.bench.WarmOverhead;
import dev.edgefaas.http.KeepAliveConnection;
import java.net.URI;
import java.util.Map;

/** The paper's harness overhead: one warm instance asked directly, through the gateway and through nginx where installed, interleaved. */
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
        URI instance = context.platform().instanceEndpoint(function);
        int requests = context.settings().quick() ? 1_000 : 20 * Math.max(1, context.settings().reps());
        Map<String, URI> paths;
        try (NginxProxy proxy = NginxProxy.binary().map(binary -> NginxProxy.start(binary, instance)).orElse(null)) {
            paths = WarmOverhead.paths(instance, gateway, proxy);
            WarmOverhead.Latency latency = WarmOverhead.latency(paths, requests, context.settings().quick() ? 2_000 : 20_000);
            for (ResultRow row : WarmOverhead.rows(context.sandbox(), latency)) {
                context.emit(row.language(), row.parameter(), row.repetition(), row.metric(), row.value(), row.unit());
            }
        }
        context.step("interleaved " + String.join(", ", paths.keySet()));
    }
}
