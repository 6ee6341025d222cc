package dev.edgefaas.bench.experiment;

import java.util.List;
import java.util.Optional;

/** Every experiment, in the order of the paper's section 4. */
public final class ExperimentCatalog {
    private ExperimentCatalog() {
    }

    public static List<Experiment> all() {
        return List.of(new ColdStartExperiment(), new BurstExperiment(), new StartupCostExperiment(),
                new IdleCpuExperiment(), new IdleMemoryExperiment(), WarmCallsExperiment.cpu(),
                WarmCallsExperiment.matrix(), WarmCallsExperiment.alloc(), WarmCallsExperiment.read(),
                new NetworkExperiment(), new WarmOverheadExperiment());
    }

    public static Optional<Experiment> named(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
