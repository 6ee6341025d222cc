package dev.edgefaas.platform;

import dev.edgefaas.admin.AdminApi;
import dev.edgefaas.admin.AdminToken;
import dev.edgefaas.admin.PreRoutingErrors;
import dev.edgefaas.async.AsyncInvocations;
import dev.edgefaas.async.CallbackPolicy;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.ReadinessCallbacks;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.gateway.GatewayServer;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.Reaper;
import dev.edgefaas.host.Shutdown;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.AddressRanges;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.ArtifactCache;
import dev.edgefaas.logs.FunctionLogs;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.store.FunctionDeployer;
import dev.edgefaas.store.FunctionStore;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /** How long a root file system or guest image no deploy has used stays in the cache. */
    private static final Duration UNUSED_ARTIFACTS_KEPT = Duration.ofDays(14);

    private final PlatformConfig config;
    private final StateDirectory state;
    private final NamespacePool namespaces;
    private final Dispatcher dispatcher;
    private final GatewayServer server;
    private final ManifestParser parser;
    private final FunctionDeployer deployer;
    private final List<String> reaped;
    private final AsyncInvocations async;
    private volatile FunctionDeployer.Restored restored = new FunctionDeployer.Restored(List.of(), Map.of());
    private final AtomicBoolean closed = new AtomicBoolean();

    private Platform(PlatformConfig config, StateDirectory state, NamespacePool namespaces, Dispatcher dispatcher,
                     GatewayServer server, ManifestParser parser, FunctionDeployer deployer, List<String> reaped,
                     AsyncInvocations async) {
        this.config = config;
        this.state = state;
        this.namespaces = namespaces;
        this.dispatcher = dispatcher;
        this.server = server;
        this.parser = parser;
        this.deployer = deployer;
        this.reaped = reaped;
        this.async = async;
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
            // Beside the functions they belong to, where those are kept; else with the run's state.
            Path keptBeside = config.dataDirectory().orElse(state.root());
            FunctionLogs logs = new FunctionLogs(keptBeside.resolve("logs"));
            Dispatcher dispatcher = new Dispatcher(backends, state, () -> serverRef.get().callbackPort(), metrics, callbacks,
                    logs, config.limits().waitingRoom());
            ManifestParser parser = new ManifestParser(ManifestDefaults.forHost(config.defaultSandbox()));
            FunctionDeployer deployer = new FunctionDeployer(dispatcher, parser, config.dataDirectory().map(FunctionStore::open));
            if (config.dataDirectory().isPresent()) {
                // A node (not a test's or a benchmark's platform): what versions long gone left in the cache goes.
                List<String> collected = ArtifactCache.collectUnused(SandboxCatalog.cacheRoot(), ArtifactCache.BUILT_KINDS,
                        UNUSED_ARTIFACTS_KEPT);
                if (!collected.isEmpty()) {
                    LOG.info(() -> "removed " + collected.size() + " built artifacts unused for "
                            + UNUSED_ARTIFACTS_KEPT.toDays() + " days: " + collected);
                }
            }
            Optional<String> token = config.dataDirectory().map(AdminToken::loadOrCreate);
            if (token.isEmpty() && !isLoopback(config.listeners().adminHost())) {
                throw new IllegalArgumentException("--admin-host " + config.listeners().adminHost() + ": the management"
                        + " API listens beyond loopback only with its token, which lives in the data directory; give"
                        + " serve a --data-dir, or listen on 127.0.0.1");
            }
            NodeLimits limits = config.limits();
            CallbackPolicy callbackPolicy = new CallbackPolicy(limits.callbackAllowed(),
                    AddressRanges.parse(List.of(config.networkPool()), "--network-pool"),
                    () -> Set.of(serverRef.get().adminPort(), serverRef.get().callbackPort()));
            AsyncInvocations async = new AsyncInvocations(keptBeside.resolve("async"), limits.asyncInvocations(),
                    limits.asyncBytes(), dispatcher::has, callbackPolicy, metrics);
            AdminApi admin = new AdminApi(dispatcher, deployer, metrics, backends.values(), Path.of("").toAbsolutePath(),
                    token, config.adminAccess().maxUploadBytes(), async);
            GatewayServer server;
            try {
                server = GatewayServer.start(config.listeners(), config.trustedProxies(), dispatcher, callbacks, admin,
                        new PreRoutingErrors(), metrics, adminTls(config.adminAccess()), async, config.busyPoll());
            } catch (RuntimeException e) {
                // A port in use, say: nothing ran yet, but the queue's clients hold threads.
                async.close(Duration.ZERO);
                dispatcher.shutdown(Duration.ZERO);
                throw e;
            }
            serverRef.set(server);
            Platform platform = new Platform(config, state, namespaces, dispatcher, server, parser, deployer, reaped, async);
            try {
                platform.restored = deployer.restore();
                // After the restore: what an earlier run accepted finds its functions deployed again.
                async.start(() -> URI.create("http://" + loopbackFor(config.listeners().host()) + ":" + server.port()));
            } catch (RuntimeException e) {
                platform.close();
                throw e;
            }
            return platform;
        } catch (RuntimeException e) {
            namespaces.close();
            state.close();
            throw e;
        }
    }

    /** Where the node reaches its own invocation listener: its address, or loopback for a wildcard. */
    private static String loopbackFor(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                return "127.0.0.1";
            }
            return address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The management listener's TLS, from PEM files, if it serves TLS. */
    private static Optional<Tls> adminTls(AdminAccess access) {
        if (!access.tls()) {
            return Optional.empty();
        }
        Keys keys = Keys.builder().pem(pem -> pem.key(Resource.create(access.tlsKey().orElseThrow()))
                .certChain(Resource.create(access.tlsCertificate().orElseThrow()))).build();
        return Optional.of(Tls.builder()
                .privateKey(keys.privateKey().orElseThrow(() -> new IllegalArgumentException("--admin-tls-key: "
                        + access.tlsKey().orElseThrow() + " holds no PEM private key")))
                .privateKeyCertChain(keys.certChain())
                .build());
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public ManifestParser parser() {
        return parser;
    }

    /**
     * Parses and deploys a manifest, keeping it in the data directory where there is one; relative
     * artifact paths resolve against {@code baseDirectory}.
     */
    public FunctionManifest deploy(String name, String json, Path baseDirectory) {
        return deployer.deploy(name, json, baseDirectory).manifest();
    }

    public FunctionDeployer deployer() {
        return deployer;
    }

    /** What starting found in the data directory: the functions restored, and why any other was not. */
    public FunctionDeployer.Restored restored() {
        return restored;
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.adminPort();
    }

    /** Where this run keeps a directory in memory, e.g. {@code snapshots} (see {@link StateDirectory#inMemory}). */
    public Path inMemory(String name) {
        return state.inMemory(name);
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
        // Asynchronous runs first: they are requests through the gateway, which must still be up for them.
        Shutdown.all(() -> async.close(config.shutdownGrace()), () -> dispatcher.shutdown(config.shutdownGrace()),
                server::close, namespaces::close, state::close);
    }
}
