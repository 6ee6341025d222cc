package dev.edgefaas.bench.experiment;

import dev.edgefaas.dispatcher.InstanceResources;
import dev.edgefaas.dispatcher.InstanceView;
import java.time.Duration;

/** Fig. 6: CPU time an idle instance uses over 1 s, 15 s after it became ready. */
public final class IdleCpuExperiment implements Experiment {
    @Override
    public String name() {
        return "idle-cpu";
    }

    @Override
    public String figure() {
        return "Fig. 6";
    }

    @Override
    public int steps(Settings settings) {
        return ColdStartExperiment.LANGUAGES.size() * repetitions(settings);
    }

    private static int repetitions(Settings settings) {
        return settings.quick() ? 1 : Math.min(5, settings.reps());
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        Duration settle = context.settings().quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(15);
        for (String language : context.languages()) {
            for (int rep = 1; rep <= repetitions(context.settings()); rep++) {
                String function = "idle-" + language;
                context.platform().deploySample("hello-" + language, function, "\"max-instances\": 1, \"keepalive\": \"1h\"");
                context.timedGet(context.platform().gateway(function, "/"));
                InstanceView instance = context.instances(function).getFirst();
                Thread.sleep(settle.toMillis());
                Duration before = InstanceResources.cpuTime(instance).orElse(Duration.ZERO);
                Thread.sleep(1_000);
                Duration after = InstanceResources.cpuTime(instance).orElse(Duration.ZERO);
                context.emit(language, "settle=" + settle.toSeconds() + "s", rep, "cpu_time",
                        after.minus(before).toNanos() / 1e6, "ms");
                context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(10));
                context.step(language + " " + rep);
            }
        }
    }
}
