package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.Durations;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.store.FunctionDeployer;

/** The management API's JSON shapes: manifests as they were accepted, instances as they run. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** A manifest in the same keys {@code PUT} accepts, with every default filled in. */
    static ObjectNode manifest(FunctionManifest manifest) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("name", manifest.name().value())
                .put("runtime", manifest.runtime().key())
                .put("artifact", manifest.artifact().toString())
                .put("sandbox", manifest.sandbox())
                .put("keepalive", Durations.format(manifest.keepalive()))
                .put("concurrency", manifest.concurrency())
                .put("single-use", manifest.singleUse())
                .put("min-instances", manifest.minInstances())
                .put("max-instances", manifest.maxInstances())
                .put("memory-mib", manifest.memoryMib())
                .put("vcpus", manifest.vcpus())
                .put("ready-timeout", Durations.format(manifest.readyTimeout()))
                .put("queue-timeout", Durations.format(manifest.queueTimeout()))
                .put("max-queue", manifest.maxQueue())
                .put("network", manifest.network().key())
                .put("snapshot", manifest.snapshot().key())
                .put("snapshot-prime", manifest.snapshotPrime().key());
        ObjectNode env = node.putObject("env");
        manifest.env().forEach(env::put);
        return node;
    }

    /** A deployed function's manifest with its version and where its artifact came from. */
    static ObjectNode withVersionAndSource(FunctionManifest manifest, FunctionDeployer deployer) {
        ObjectNode node = manifest(manifest);
        String name = manifest.name().value();
        deployer.version(name).ifPresent(version -> node.put("version", version));
        deployer.source(name).ifPresent(source -> node.put("source", source));
        return node;
    }

    static ObjectNode instance(InstanceView view) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("id", view.id())
                .put("function", view.function())
                .put("sandbox", view.sandbox())
                .put("state", view.state())
                .put("endpoint", view.endpoint())
                .put("started-at", view.startedAt().toString())
                .put("in-flight", view.inFlight());
        if (view.pid().isPresent()) {
            node.put("pid", view.pid().getAsLong());
        } else {
            node.putNull("pid");
        }
        if (view.coldStart() != null) {
            node.put("cold-start-ms", view.coldStart().toNanos() / 1e6);
        } else {
            node.putNull("cold-start-ms");
        }
        ObjectNode details = node.putObject("details");
        view.details().forEach(details::put);
        ArrayNode phases = node.putArray("cold-start-phases");
        view.phases().forEach(phase -> phases.addObject().put("name", phase.name()).put("ms", phase.millis()));
        return node;
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }
}
