package dev.edgefaas.bench.experiment;

import dev.edgefaas.dispatcher.InstanceResources;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.HostCapacity;
import java.time.Duration;
import java.util.List;

/**
 * Fig. 7: n idle instances; the host's MemAvailable drop as the paper measured it, and the
 * memory charged to the instances' cgroups, which is steadier on a noisy host.
 */
public final class IdleMemoryExperiment implements Experiment {
    @Override
    public String name() {
        return "idle-memory";
    }

    @Override
    public String figure() {
        return "Fig. 7";
    }

    static List<Integer> sizes(Settings settings) {
        return Settings.tens(settings.quick() ? 10 : 100);
    }

    @Override
    public int steps(Settings settings) {
        return ColdStartExperiment.LANGUAGES.size() * sizes(settings).size();
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        for (String language : context.languages()) {
            for (int n : sizes(context.settings())) {
                for (StartMode mode : context.startModes()) {
                    measure(context, language, n, mode);
                }
                context.step(language + " n=" + n);
            }
        }
    }

    private static void measure(ExperimentContext context, String language, int n, StartMode mode) throws Exception {
        String function = "idle-mem-" + language;
        String parameter = mode.parameter("n=" + n);
        double before = memAvailableMib();
        context.platform().deploySample("hello-" + language, function, mode.manifest(
                "\"min-instances\": " + n + ", \"max-instances\": " + n + ", \"keepalive\": \"1h\", \"ready-timeout\": \"120s\""));
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (context.instances(function).stream().filter(i -> i.state().equals("ready")).count() < n
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(context.settings().quick() ? 1_000 : 5_000);
        double after = memAvailableMib();
        long charged = 0;
        for (InstanceView instance : context.instances(function)) {
            charged += InstanceResources.memoryBytes(instance).orElse(0L);
        }
        context.emit(language, parameter, 0, "memavailable_drop", before - after, "MiB");
        context.emit(language, parameter, 0, "per_instance", charged / 1048576.0 / n, "MiB");
        context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(30));
    }

    /** The host's available memory in MiB, NaN where /proc/meminfo does not say. */
    private static double memAvailableMib() {
        return HostCapacity.meminfoKib("MemAvailable").stream().mapToDouble(kib -> kib / 1024.0).findFirst().orElse(Double.NaN);
    }
}
