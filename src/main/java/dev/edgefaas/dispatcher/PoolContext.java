package dev.edgefaas.dispatcher;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.logs.FunctionLogs;
import dev.edgefaas.metrics.PlatformMetrics;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * What every function pool shares: host state, the callback listener, metrics, the functions'
 * logs, the node's bound on waiting requests, and who wants to know when an instance has stopped (the gateway, to drop its connections to it).
 */
record PoolContext(StateDirectory state, ReadinessCallbacks callbacks, IntSupplier callbackPort, PlatformMetrics metrics,
                   FunctionLogs logs, WaitingRoom waitingRoom, List<Consumer<URI>> exitListeners) {

    void instanceStopped(URI endpoint) {
        exitListeners.forEach(listener -> listener.accept(endpoint));
    }
}
