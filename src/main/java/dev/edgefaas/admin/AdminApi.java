package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.async.AsyncInvocations;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.FunctionName;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.store.FunctionDeployer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The management API, served only on the admin listener: deploy, list and remove functions,
 * upload artifacts, list instances and sandboxes, functions' logs, asynchronous invocations' status and results,
 * the dashboard's overview, and Prometheus metrics; the dashboard itself ({@link DashboardEndpoint}).
 * Where the node has a token, every request must carry it ({@code Authorization: Bearer TOKEN})
 * or a dashboard session's cookie; without, 401 and nothing changes.
 */
public final class AdminApi implements HttpService {
    private static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    static final String DASHBOARD_HEADER = "X-Edgefaas-Dashboard";
    private static final Set<String> SCALE_KEYS = Set.of("min-instances", "max-instances");
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(30);
    private static final String ROUTES = "PUT, PATCH, GET and DELETE /api/functions/NAME, GET /api/functions, GET"
            + " /api/functions/NAME/logs, POST /api/artifacts, POST /api/images, GET /api/async/ID[/result], GET"
            + " /api/instances, GET /api/sandboxes, GET /api/overview"
            + " and GET /metrics";

    private final Dispatcher dispatcher;
    private final FunctionDeployer deployer;
    private final PlatformMetrics metrics;
    private final AsyncEndpoint async;
    private final Collection<SandboxBackend> backends;
    private final Path workingDirectory;
    private final Optional<String> token;
    private final long maxUploadBytes;
    private final LogsEndpoint logs;
    private final OverviewEndpoint overview;
    private final DashboardSessions sessions = new DashboardSessions(Clock.systemUTC());

    /**
     * @param workingDirectory what relative artifact paths in {@code PUT} bodies are resolved against
     * @param token            what every request must carry; empty for a node on loopback that asks none (tests)
     * @param maxUploadBytes   the largest artifact {@code POST /api/artifacts} takes
     */
    public AdminApi(Dispatcher dispatcher, FunctionDeployer deployer, PlatformMetrics metrics,
                    Collection<SandboxBackend> backends, Path workingDirectory, Optional<String> token,
                    long maxUploadBytes, AsyncInvocations async) {
        this.async = new AsyncEndpoint(async);
        this.token = token;
        this.maxUploadBytes = maxUploadBytes;
        this.dispatcher = dispatcher;
        this.logs = new LogsEndpoint(dispatcher);
        this.overview = new OverviewEndpoint(dispatcher, deployer, metrics);
        this.deployer = deployer;
        this.metrics = metrics;
        this.backends = backends;
        this.workingDirectory = workingDirectory;
    }

    @Override
    public void routing(HttpRules rules) {
        // Before the check of the token: the page itself holds no data, and logging in is how the browser gets in.
        rules.register(new DashboardEndpoint(token, sessions))
                .any(this::authorize)
                .any(AdminApi::rejectMatrixParameters)
                .put("/api/functions/{name}", this::deploy)
                .patch("/api/functions/{name}", this::scale)
                .post("/api/artifacts", this::upload)
                .post("/api/images", this::uploadImage)
                .get("/api/functions", this::listFunctions)
                .get("/api/functions/{name}", this::getFunction)
                .get("/api/functions/{name}/logs", logs::handle)
                .delete("/api/functions/{name}", this::removeFunction)
                .get("/api/async/{id}", async::status)
                .get("/api/async/{id}/result", async::result)
                .get("/api/instances", this::listInstances)
                .get("/api/sandboxes", this::listSandboxes)
                .get("/api/overview", overview::handle)
                .get("/metrics", this::metrics)
                // A name holding '/' (decoded from %2F) matches no route above: say what is wrong with it.
                .put("/api/functions/*", this::rejectName)
                .any(AdminApi::noRoute);
    }

    /**
     * 400 for a path with {@code ;} parameters: Helidon would route {@code a;b} as {@code a} and
     * deploy or remove that function, which the client did not name.
     */
    private static void rejectMatrixParameters(ServerRequest request, ServerResponse response) {
        if (request.path().matrixParameters().isEmpty()) {
            response.next();
            return;
        }
        AdminResponses.badRequest(response, "path", request.path().rawPath() + " holds ';' parameters, which no route of"
                + " the management API takes; a function's name is lowercase letters, digits and '-'");
    }

    /** 404 for what no route above takes, in JSON as every other error, saying what the API serves. */
    private static void noRoute(ServerRequest request, ServerResponse response) {
        AdminResponses.json(response, 404, Json.MAPPER.createObjectNode()
                .put("error", "no route for " + request.prologue().method().text() + " " + request.path().rawPath()
                        + "; the management API serves " + ROUTES)
                .put("status", 404));
    }

    private void deploy(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        try {
            FunctionDeployer.Deployed deployed = deployer.deploy(name, readBody(request), workingDirectory);
            AdminResponses.json(response, deployed.replaced() ? 200 : 201, Json.manifest(deployed.manifest()).put("version", deployed.version()));
        } catch (UncheckedIOException | ManifestException | SandboxException e) {
            refused(response, e);
        }
    }

    /** A deploy that changed nothing: the store could not keep it (the previous version still serves), or a field is at fault. */
    private static void refused(ServerResponse response, RuntimeException e) {
        switch (e) {
            case UncheckedIOException io -> storeFailed(response, io);
            case ManifestException manifest -> AdminResponses.fieldError(response, manifest.field(), manifest.getMessage());
            case SandboxException sandbox -> AdminResponses.fieldError(response, "sandbox", sandbox.getMessage());
            default -> throw e;
        }
    }

    /**
     * {@code PATCH /api/functions/NAME} with {@code {"min-instances": N, "max-instances": M}}
     * (either): scales a function without resending its manifest, a redeploy of it as the node has
     * it. Any other key is refused: everything else is a {@code PUT} of the whole manifest.
     */
    private void scale(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        try {
            JsonNode body = Json.MAPPER.readTree(readBody(request));
            if (!(body instanceof ObjectNode changes) || changes.isEmpty()) {
                throw new ManifestException("manifest", "send {\"min-instances\": N, \"max-instances\": M}, either or both");
            }
            for (String key : (Iterable<String>) changes::fieldNames) {
                if (!SCALE_KEYS.contains(key)) {
                    throw new ManifestException(key, key + ": only min-instances and max-instances change in place;"
                            + " PUT the whole manifest to change anything else");
                }
                if (!changes.get(key).canConvertToInt() || !changes.get(key).isIntegralNumber()) {
                    throw new ManifestException(key, key + ": must be a whole number, got " + changes.get(key));
                }
            }
            FunctionDeployer.Deployed deployed = deployer.scale(name, optionalInt(changes, "min-instances"),
                    optionalInt(changes, "max-instances"));
            AdminResponses.json(response, 200, Json.withVersionAndSource(deployed.manifest(), deployer));
        } catch (NoSuchElementException e) {
            AdminResponses.json(response, 404, AdminResponses.notFound(name));
        } catch (IOException e) {
            AdminResponses.fieldError(response, "manifest", "manifest: is not JSON: " + e.getMessage());
        } catch (UncheckedIOException | ManifestException | SandboxException e) {
            refused(response, e);
        }
    }

    private static OptionalInt optionalInt(ObjectNode changes, String key) {
        return changes.has(key) ? OptionalInt.of(changes.get(key).intValue()) : OptionalInt.empty();
    }

    private void authorize(ServerRequest request, ServerResponse response) {
        if (token.isEmpty() || AdminToken.authorizes(token.get(),
                request.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            response.next();
            return;
        }
        if (sessions.valid(DashboardEndpoint.sessionOf(request))) {
            authorizeSession(request, response);
            return;
        }
        response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"edgefaas\"");
        AdminResponses.json(response, 401, Json.MAPPER.createObjectNode()
                .put("error", "the management API needs its token: Authorization: Bearer TOKEN, with the token from "
                        + AdminToken.FILE_NAME + " in the node's data directory (edgefaas --token, or EDGEFAAS_TOKEN)")
                .put("status", 401));
    }

    /**
     * A dashboard session may read; it may change something only with {@value #DASHBOARD_HEADER}
     * set, which the dashboard's own scripts send and a page of another site cannot make a
     * browser send (a form cannot set headers; a script of another origin needs CORS, which this
     * API never allows): the session cookie alone does not let another site act for the operator.
     */
    private void authorizeSession(ServerRequest request, ServerResponse response) {
        String method = request.prologue().method().text();
        boolean reads = method.equals("GET") || method.equals("HEAD");
        if (reads || request.headers().first(HeaderNames.create(DASHBOARD_HEADER)).orElse("").equals("1")) {
            response.next();
            return;
        }
        AdminResponses.json(response, 403, Json.MAPPER.createObjectNode()
                .put("error", "a change made with a dashboard session must carry " + DASHBOARD_HEADER + ": 1 (the"
                        + " dashboard sends it; other sites cannot); or use Authorization: Bearer TOKEN")
                .put("status", 403));
    }

    /** Stores the body as an artifact; a manifest then names it as {@code "artifact": "sha256:DIGEST"}. */
    private void upload(ServerRequest request, ServerResponse response) {
        String name = request.query().first("name").orElse("function");
        boolean executable = !request.query().first("executable").orElse("true").equals("false");
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("application/octet-stream");
        receive(request, response, "artifact", body -> deployer.upload(body, contentType, name, executable, maxUploadBytes));
    }

    /** Keeps an image archive (docker save, or an OCI layout as a tar); a manifest then names it as {@code "image": "sha256:DIGEST"}. */
    private void uploadImage(ServerRequest request, ServerResponse response) {
        receive(request, response, "image", body -> deployer.uploadImage(body, maxUploadBytes));
    }

    /** Hands the body to {@code store} and answers 201 with the reference under {@code key}, or why not. */
    private static void receive(ServerRequest request, ServerResponse response, String key,
                                Function<InputStream, FunctionDeployer.Uploaded> store) {
        try (InputStream body = request.content().inputStream()) {
            FunctionDeployer.Uploaded uploaded = store.apply(body);
            ObjectNode answer = Json.MAPPER.createObjectNode().put(key, uploaded.reference()).put("bytes", uploaded.bytes());
            if (!uploaded.uploadSha256().isEmpty()) {
                answer.put("upload-sha256", uploaded.uploadSha256());
            }
            AdminResponses.json(response, 201, answer);
        } catch (FunctionDeployer.UploadRefused e) {
            AdminResponses.json(response, e.status(), Json.MAPPER.createObjectNode().put("error", e.getMessage()).put("status", e.status()));
        } catch (IOException | UncheckedIOException e) {
            storeFailed(response, e);
        }
    }

    /** 507 Insufficient Storage for a full disk, else 500; the message says what could not be kept. */
    private static void storeFailed(ServerResponse response, Exception e) {
        int status = String.valueOf(e.getMessage()).contains("disk is full") ? 507 : 500;
        AdminResponses.json(response, status, Json.MAPPER.createObjectNode().put("error", e.getMessage()).put("status", status));
    }

    private void rejectName(ServerRequest request, ServerResponse response) {
        // The route matches /api/functions too, which has no name at all.
        String prefix = "/api/functions/";
        String rawPath = request.path().rawPath();
        String raw = rawPath.length() > prefix.length() ? rawPath.substring(prefix.length()) : "";
        String name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        String problem = FunctionName.problemWith(name);
        AdminResponses.badRequest(response, "name", problem != null ? problem : "'" + name + "' is not a function name");
    }

    private void listFunctions(ServerRequest request, ServerResponse response) {
        ArrayNode array = Json.array();
        dispatcher.functions().forEach(manifest -> array.add(withVersion(manifest)));
        AdminResponses.json(response, 200, array);
    }

    private void getFunction(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        dispatcher.function(name).ifPresentOrElse(
                manifest -> {
                    // Its instances too: how each started (booted, restored from a snapshot) is in their details.
                    ObjectNode function = withVersion(manifest);
                    ArrayNode instances = function.putArray("instances");
                    dispatcher.instances().stream().filter(view -> view.function().equals(name))
                            .forEach(view -> instances.add(Json.instance(view)));
                    AdminResponses.json(response, 200, function);
                },
                () -> AdminResponses.json(response, 404, AdminResponses.notFound(name)));
    }

    private void removeFunction(ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        if (deployer.remove(name, DRAIN_GRACE)) {
            AdminResponses.json(response, 200, Json.MAPPER.createObjectNode().put("removed", name));
        } else {
            AdminResponses.json(response, 404, AdminResponses.notFound(name));
        }
    }

    private void listInstances(ServerRequest request, ServerResponse response) {
        ArrayNode array = Json.array();
        for (InstanceView view : dispatcher.instances()) {
            array.add(Json.instance(view));
        }
        AdminResponses.json(response, 200, array);
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
        AdminResponses.json(response, 200, array);
    }

    private void metrics(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode withVersion(FunctionManifest manifest) {
        return Json.withVersionAndSource(manifest, deployer);
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
            return utf8(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bytes} as UTF-8, which JSON is sent in (RFC 8259 section 8.1); other bytes are refused, not replaced. */
    private static String utf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        if (StandardCharsets.UTF_8.newDecoder().decode(in, out, true).isError()) {
            throw new ManifestException("manifest", "is not UTF-8: byte " + in.position() + " starts no UTF-8 character;"
                    + " send the manifest as UTF-8 JSON");
        }
        return out.flip().toString();
    }

}
