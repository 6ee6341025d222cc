package dev.edgefaas.dispatcher;

import dev.edgefaas.sandbox.Readiness;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Starting instances by id, so that the callback listener can tell each it is ready. */
public final class ReadinessCallbacks {
    private final Map<String, Readiness> starting = new ConcurrentHashMap<>();

    Readiness register(String instanceId) {
        Readiness readiness = new Readiness();
        starting.put(instanceId, readiness);
        return readiness;
    }

    void unregister(String instanceId) {
        starting.remove(instanceId);
    }

    /**
     * Called when {@code GET /ready/{instanceId}} arrives.
     *
     * @return false if no instance of that id is waiting to become ready
     */
    public boolean signalReady(String instanceId) {
        Readiness readiness = starting.get(instanceId);
        return readiness != null && readiness.signalReady();
    }
}
