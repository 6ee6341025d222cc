package dev.edgefaas.platform;

import dev.edgefaas.admin.AdminApi;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.ReadinessCallbacks;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.gateway.GatewayServer;
import dev.edgefaas.host.Shutdown;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.Reaper;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.sandbox.SandboxBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One running edgefaas: state directory, sandbox backends, dispatcher and gateway, wired
 * together. Starting reaps what a crashed earlier run left; closing drains and stops everything.
 */
public final class Platform implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Platform.class.getName());

    private final PlatformConfig config;
    private final StateDirectory state;
    private final NamespacePool namespaces;
    private final Dispatcher dispatcher;
    private final GatewayServer server;
    private final ManifestParser parser;
    private final List<String> reaped;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Platform(PlatformConfig config, StateDirectory state, NamespacePool namespaces, Dispatcher dispatcher,
                     GatewayServer server, ManifestParser parser, List<String> reaped) {
        this.config = config;
        this.state = state;
        this.namespaces = namespaces;
        this.dispatcher = dispatcher;
        this.server = server;
        this.parser = parser;
        this.reaped = reaped;
    }

    public static Platform start(PlatformConfig config) {
        return start(config, namespaces -> SandboxCatalog.detect(CgroupLayout.detect(), namespaces));
    }

    /**
     * Starts with the backends {@code backends} makes from the platform's namespace pool (tests
     * inject failing ones this way).
     */
    public static Platform start(PlatformConfig config, Function<NamespacePool, Map<String, SandboxBackend>> backendsOf) {
        StateDirectory state = StateDirectory.open(config.stateDirectory());
        NamespacePool namespaces = new NamespacePool(new AddressPool(config.networkPool()), state, config.spareNamespaces());
        try {
            Map<String, SandboxBackend> backends = backendsOf.apply(namespaces);
            Map<String, Consumer<InstanceRecord>> reapers = new LinkedHashMap<>();
            backends.forEach((name, backend) -> reapers.put(name, backend::reap));
            reapers.put(NamespacePool.RECORD_BACKEND, NamespacePool::reap);
            reapers.put(NamespacePool.FIREWALL_RECORD_BACKEND, NamespacePool::reapFirewall);
            List<String> reaped = Reaper.reapLeftovers(state, reapers);
            if (!reaped.isEmpty()) {
                LOG.info(() -> "removed " + reaped.size() + " instances left by an earlier run: " + reaped);
            }
            PlatformMetrics metrics = new PlatformMetrics();
            ReadinessCallbacks callbacks = new ReadinessCallbacks();
            AtomicReference<GatewayServer> serverRef = new AtomicReference<>();
            Dispatcher dispatcher = new Dispatcher(backends, state, () -> serverRef.get().callbackPort(), metrics, callbacks);
            ManifestParser parser = new ManifestParser(ManifestDefaults.forHost(config.defaultSandbox()));
            AdminApi admin = new AdminApi(dispatcher, parser, metrics, backends.values(), Path.of("").toAbsolutePath());
            GatewayServer server = GatewayServer.start(config.listeners(), config.trustedProxies(), dispatcher, callbacks, admin, metrics);
            serverRef.set(server);
            return new Platform(config, state, namespaces, dispatcher, server, parser, reaped);
        } catch (RuntimeException e) {
            namespaces.close();
            state.close();
            throw e;
        }
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public ManifestParser parser() {
        return parser;
    }

    /** Parses and deploys a manifest; relative artifact paths resolve against {@code baseDirectory}. */
    public FunctionManifest deploy(String name, String json, Path baseDirectory) {
        FunctionManifest manifest = parser.parse(name, json, baseDirectory);
        dispatcher.deploy(manifest);
        return manifest;
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.adminPort();
    }

    /** What the names of this run's network namespaces, links and firewall chain start with. */
    public String networkNamePrefix() {
        return namespaces.namePrefix();
    }

    /** The port instances call back on when ready. */
    public int callbackPort() {
        return server.callbackPort();
    }

    public String host() {
        return config.listeners().host();
    }

    /** Ids of the instances of a crashed earlier run that starting this one removed. */
    public List<String> reaped() {
        return reaped;
    }

    /** Drains requests in flight, stops every instance, then the listeners. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Shutdown.all(() -> dispatcher.shutdown(config.shutdownGrace()), server::close, namespaces::close, state::close);
    }
}
