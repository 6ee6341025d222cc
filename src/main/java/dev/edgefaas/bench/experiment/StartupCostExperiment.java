package dev.edgefaas.bench.experiment;

import dev.edgefaas.dispatcher.InstanceResources;
import dev.edgefaas.dispatcher.InstanceView;
import java.time.Duration;

/**
 * Fig. 5: resources used to bring an instance to ready. Instructions need perf's hardware
 * counters, missing on this kind of host: CPU time of the instance's cgroup instead, read the
 * moment it is ready (the CSV's unit says which).
 */
public final class StartupCostExperiment implements Experiment {
    @Override
    public String name() {
        return "startup-cost";
    }

    @Override
    public String figure() {
        return "Fig. 5";
    }

    @Override
    public int steps(Settings settings) {
        return ColdStartExperiment.LANGUAGES.size() * repetitions(settings);
    }

    static int repetitions(Settings settings) {
        return settings.quick() ? Math.min(3, settings.reps()) : Math.min(20, settings.reps());
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        for (String language : context.languages()) {
            String function = "startup-" + language;
            context.platform().deploySample("hello-" + language, function, "\"max-instances\": 1, \"keepalive\": \"1h\"");
            for (int rep = 1; rep <= repetitions(context.settings()); rep++) {
                context.timedGet(context.platform().gateway(function, "/"));
                InstanceView instance = context.instances(function).getFirst();
                int repetition = rep;
                InstanceResources.cpuTime(instance).ifPresent(cpu ->
                        context.emit(language, "", repetition, "cpu_time", cpu.toNanos() / 1e6, "ms"));
                context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(10));
                context.platform().deploySample("hello-" + language, function, "\"max-instances\": 1, \"keepalive\": \"1h\"");
                context.step(language + " " + rep);
            }
            context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(10));
        }
    }
}
