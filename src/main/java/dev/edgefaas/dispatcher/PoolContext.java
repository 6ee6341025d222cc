package dev.edgefaas.dispatcher;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.metrics.PlatformMetrics;
import java.util.function.IntSupplier;

/** What every function pool shares: host state, the callback listener, metrics. */
record PoolContext(StateDirectory state, ReadinessCallbacks callbacks, IntSupplier callbackPort, PlatformMetrics metrics) {
}
