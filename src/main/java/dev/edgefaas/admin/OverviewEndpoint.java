package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.InstanceResources;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.metrics.ColdStartHistogram;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.metrics.RecentTraffic;
import dev.edgefaas.store.FunctionDeployer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /api/overview}: what the dashboard shows, in one answer that it polls: the deployed
 * functions with their version, source and last minutes of traffic, the instances with their
 * memory and CPU time (from their cgroups), and the node's cold starts per sandbox.
 */
final class OverviewEndpoint {
    private final Dispatcher dispatcher;
    private final FunctionDeployer deployer;
    private final PlatformMetrics metrics;

    OverviewEndpoint(Dispatcher dispatcher, FunctionDeployer deployer, PlatformMetrics metrics) {
        this.dispatcher = dispatcher;
        this.deployer = deployer;
        this.metrics = metrics;
    }

    void handle(ServerRequest request, ServerResponse response) {
        Instant now = Instant.now();
        ObjectNode overview = Json.MAPPER.createObjectNode()
                .put("now", now.toString())
                .put("slot-seconds", RecentTraffic.SLOT.toSeconds());
        ArrayNode functions = overview.putArray("functions");
        for (FunctionManifest manifest : dispatcher.functions()) {
            String name = manifest.name().value();
            ObjectNode function = Json.withVersionAndSource(manifest, deployer);
            ArrayNode traffic = function.putArray("traffic");
            for (RecentTraffic.Point point : metrics.recentTraffic().series(name)) {
                traffic.addObject()
                        .put("t", point.start().toEpochMilli())
                        .put("requests", point.requests())
                        .put("failures", point.failures())
                        .put("p50-ms", point.p50Millis())
                        .put("p99-ms", point.p99Millis());
            }
            functions.add(function);
        }
        ArrayNode instances = overview.putArray("instances");
        for (InstanceView view : dispatcher.instances()) {
            ObjectNode instance = Json.instance(view)
                    .put("age-s", Duration.between(view.startedAt(), now).toSeconds())
                    .put("start", view.details().getOrDefault("start", "booted"));
            InstanceResources.memoryBytes(view).ifPresent(bytes -> instance.put("memory-mib", bytes / 1048576.0));
            InstanceResources.cpuTime(view).ifPresent(cpu -> instance.put("cpu-ms", cpu.toNanos() / 1e6));
            instances.add(instance);
        }
        ObjectNode coldStarts = overview.putObject("cold-starts");
        ArrayNode bounds = coldStarts.putArray("bounds-ms");
        ColdStartHistogram.BOUNDS_MILLIS.forEach(bounds::add);
        ObjectNode bySandbox = coldStarts.putObject("sandboxes");
        metrics.coldStarts().counts().forEach((sandbox, counts) -> {
            ArrayNode array = bySandbox.putArray(sandbox);
            for (long count : counts) {
                array.add(count);
            }
        });
        AdminResponses.json(response, 200, overview);
    }
}
