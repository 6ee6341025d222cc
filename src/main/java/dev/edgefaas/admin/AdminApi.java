package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.FunctionName;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/**
 * The management API, served only on the admin listener: deploy, list and remove functions,
 * list instances and sandboxes, and Prometheus metrics.
 */
public final class AdminApi implements HttpService {
    private static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(30);

    private final Dispatcher dispatcher;
    private final ManifestParser parser;
    private final PlatformMetrics metrics;
    private final Collection<SandboxBackend> backends;
    private final Path workingDirectory;

    /**
     * @param workingDirectory what relative artifact paths in {@code PUT} bodies are resolved against
     */
    public AdminApi(Dispatcher dispatcher, ManifestParser parser, PlatformMetrics metrics,
                    Collection<SandboxBackend> backends, Path workingDirectory) {
        this.dispatcher = dispatcher;
        this.parser = parser;
        this.metrics = metrics;
        this.backends = backends;
        this.workingDirectory = workingDirectory;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/api/functions/{name}", this::deploy)
                .get("/api/functions", this::listFunctions)
                .get("/api/functions/{name}", this::getFunction)
                .delete("/api/functions/{name}", this::removeFunction)
                .get("/api/instances", this::listInstances)
                .get("/api/sandboxes", this::listSandboxes)
                .get("/metrics", this::metrics)
                // A name holding '/' (decoded from %2F) matches no route above: say what is wrong with it.
                .put("/api/functions/*", this::rejectName);
    }

    private void deploy(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        try {
            FunctionManifest manifest = parser.parse(name, readBody(request), workingDirectory);
            boolean replaced = dispatcher.deploy(manifest);
            sendJson(response, replaced ? 200 : 201, Json.manifest(manifest));
        } catch (ManifestException e) {
            ObjectNode body = Json.MAPPER.createObjectNode()
                    .put("error", e.getMessage()).put("field", e.field()).put("status", 400);
            sendJson(response, 400, body);
        } catch (SandboxException e) {
            ObjectNode body = Json.MAPPER.createObjectNode()
                    .put("error", e.getMessage()).put("field", "sandbox").put("status", 400);
            sendJson(response, 400, body);
        }
    }

    private void rejectName(ServerRequest request, ServerResponse response) {
        String raw = request.path().rawPath().substring("/api/functions/".length());
        String name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        String problem = FunctionName.problemWith(name);
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("error", "name: " + (problem != null ? problem : "'" + name + "' is not a function name"))
                .put("field", "name").put("status", 400);
        sendJson(response, 400, body);
    }

    private void listFunctions(ServerRequest request, ServerResponse response) {
        ArrayNode array = Json.array();
        dispatcher.functions().forEach(manifest -> array.add(Json.manifest(manifest)));
        sendJson(response, 200, array);
    }

    private void getFunction(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        dispatcher.function(name).ifPresentOrElse(
                manifest -> sendJson(response, 200, Json.manifest(manifest)),
                () -> sendJson(response, 404, notFound(name)));
    }

    private void removeFunction(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        if (dispatcher.remove(name, DRAIN_GRACE)) {
            sendJson(response, 200, Json.MAPPER.createObjectNode().put("removed", name));
        } else {
            sendJson(response, 404, notFound(name));
        }
    }

    private void listInstances(ServerRequest request, ServerResponse response) {
        ArrayNode array = Json.array();
        for (InstanceView view : dispatcher.instances()) {
            array.add(Json.instance(view));
        }
        sendJson(response, 200, array);
    }

    private void listSandboxes(ServerRequest request, ServerResponse response) {
        ArrayNode array = Json.array();
        for (SandboxBackend backend : backends) {
            Availability availability = backend.probe();
            ObjectNode node = array.addObject()
                    .put("name", backend.name())
                    .put("usable", availability.usable())
                    .put("summary", availability.summary());
            ObjectNode details = node.putObject("details");
            availability.details().forEach(details::put);
        }
        sendJson(response, 200, array);
    }

    private void metrics(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode notFound(String name) {
        return Json.MAPPER.createObjectNode()
                .put("error", "no function named '" + name + "' is deployed").put("status", 404);
    }

    private static String readBody(ServerRequest request) {
        if (!request.content().hasEntity()) {
            throw new ManifestException("manifest", "the request has no body; send the manifest as JSON");
        }
        try (InputStream body = request.content().inputStream()) {
            byte[] bytes = body.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new ManifestException("manifest", "is larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendJson(ServerResponse response, int status, com.fasterxml.jackson.databind.JsonNode body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
