package dev.edgefaas.cli;

import dev.edgefaas.function.Durations;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.gateway.GatewayServer;
import dev.edgefaas.gateway.TrustedProxies;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.network.AddressRanges;
import dev.edgefaas.platform.AdminAccess;
import dev.edgefaas.platform.NodeLimits;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.store.FunctionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Starts the gateway with the functions kept in --data-dir and the sample functions deployed,",
            "and serves until Ctrl-C or SIGTERM, which drain requests in flight and stop every instance."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address of the invocation listener (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = {"-p", "--port"}, defaultValue = "8080", description = "Invocation port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--admin-host", defaultValue = "127.0.0.1", description = "Address of the management API (default: ${DEFAULT-VALUE}).")
    String adminHost;
    @Option(names = "--admin-port", defaultValue = "8081", description = "Management API port (default: ${DEFAULT-VALUE}).")
    int adminPort;
    @Option(names = "--callback-port", defaultValue = "0", description = "Port instances call back on when ready (default: any free one).")
    int callbackPort;
    @Option(names = "--sandbox", defaultValue = "process",
            description = "Sandbox of the samples and of manifests that name none (default: ${DEFAULT-VALUE}). See: edgefaas doctor.")
    String sandbox;
    @Option(names = "--no-samples", description = "Start with no function deployed.")
    boolean noSamples;
    @Option(names = "--deploy-dir", paramLabel = "DIR", description = "Deploy every *.json manifest in DIR at start (name: the file name).")
    Path deployDirectory;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "Instance records, for cleanup after a crash (default: /run/edgefaas as root).")
    Path stateDirectory;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Where deployed functions (manifests and copies of their artifacts) are kept and restored",
                "from at start (default: /var/lib/edgefaas as root)."})
    Path dataDirectory;
    @Option(names = "--admin-tls-cert", paramLabel = "PEM", description = "Serve the management API over TLS with this certificate chain.")
    Path adminTlsCertificate;
    @Option(names = "--admin-tls-key", paramLabel = "PEM", description = "The private key of --admin-tls-cert.")
    Path adminTlsKey;
    @Option(names = "--max-upload-mib", defaultValue = "1024", paramLabel = "MIB",
            description = "The largest artifact the management API takes (default: ${DEFAULT-VALUE}).")
    long maxUploadMib;
    @Option(names = "--network-pool", defaultValue = PlatformConfig.DEFAULT_NETWORK_POOL, paramLabel = "CIDR",
            description = "IPv4 range for the /30 links of instances in network namespaces (default: ${DEFAULT-VALUE}).")
    String networkPool;
    @Option(names = "--spare-namespaces", defaultValue = "4", paramLabel = "N",
            description = "Network namespaces (and taps) kept ready ahead of cold starts, and VMMs started ahead per"
                    + " snapshotted function version, 27-40 MiB each; a single-use function in use (a start in the last"
                    + " 10 minutes) keeps as many VMMs as its max-instances, at most 16 (default: ${DEFAULT-VALUE}; 0: none).")
    int spareNamespaces;
    @Mixin
    BusyPollOption busyPoll;
    @Option(names = "--shutdown-grace", defaultValue = "10s", paramLabel = "DURATION",
            description = "How long requests in flight may take to finish on shutdown (default: ${DEFAULT-VALUE}).")
    String shutdownGrace;
    @Option(names = "--max-waiting", defaultValue = "4096", paramLabel = "N",
            description = "Requests that may wait for an instance, all functions together; beyond: 503 (default: ${DEFAULT-VALUE}).")
    int maxWaiting;
    @Option(names = "--max-waiting-mib", defaultValue = "64", paramLabel = "MIB",
            description = "Memory the waiting requests' heads may hold; beyond: 503 (default: ${DEFAULT-VALUE}).")
    int maxWaitingMib;
    @Option(names = "--max-async", defaultValue = "10000", paramLabel = "N",
            description = "Accepted asynchronous invocations not yet finished; beyond: 429 (default: ${DEFAULT-VALUE}).")
    int maxAsync;
    @Option(names = "--max-async-mib", defaultValue = "256", paramLabel = "MIB",
            description = "Disk their requests may take in the data directory; beyond: 429 (default: ${DEFAULT-VALUE}).")
    int maxAsyncMib;
    @Option(names = "--callback-allow", split = ",", paramLabel = "ADDRESS[/BITS]",
            description = {"Addresses asynchronous results may be sent to though callbacks do not go there by default",
                "(this host's own, link-local). Repeatable; default: none."})
    List<String> callbackAllow = List.of();
    @Option(names = "--trusted-proxy", split = ",", paramLabel = "ADDRESS[/BITS]",
            description = {"A front proxy (address or CIDR range) whose X-Forwarded-*, Forwarded and X-Real-IP the",
                "gateway keeps and appends to; from anyone else it replaces them. Repeatable; default: none."})
    List<String> trustedProxies = List.of();
    @Spec
    CommandSpec spec;

    private AdminAccess adminAccess() {
        try {
            return new AdminAccess(Optional.ofNullable(adminTlsCertificate), Optional.ofNullable(adminTlsKey),
                    maxUploadMib * 1024 * 1024);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private TrustedProxies trustedProxies() {
        try {
            return TrustedProxies.parse(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--trusted-proxy: " + e.getMessage());
        }
    }

    /** The node's queue bounds; each option must be at least 1. */
    private NodeLimits limits() {
        for (var option : List.of(Map.entry("--max-waiting", maxWaiting), Map.entry("--max-waiting-mib", maxWaitingMib),
                Map.entry("--max-async", maxAsync), Map.entry("--max-async-mib", maxAsyncMib))) {
            if (option.getValue() < 1) {
                throw new ParameterException(spec.commandLine(), option.getKey() + ": must be at least 1, got "
                        + option.getValue());
            }
        }
        AddressRanges allowed;
        try {
            allowed = AddressRanges.parse(callbackAllow, "--callback-allow");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new NodeLimits(maxWaiting, maxWaitingMib * 1024L * 1024, maxAsync, maxAsyncMib * 1024L * 1024, allowed);
    }

    @Override
    public Integer call() throws Exception {
        PlatformConfig config = new PlatformConfig(
                new GatewayServer.Listeners(host, port, adminHost, adminPort, PlatformConfig.CALLBACK_HOST, callbackPort),
                stateDirectory != null ? stateDirectory : StateDirectory.defaultRoot(),
                sandbox,
                Durations.parse("--shutdown-grace", shutdownGrace),
                networkPool, spareNamespaces, trustedProxies(),
                Optional.of(dataDirectory != null ? dataDirectory : FunctionStore.defaultRoot()), adminAccess(), limits(),
                busyPoll.duration());
        Platform platform;
        try {
            platform = Platform.start(config);
        } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            // A port in use, a state directory another node holds, an address without a token: the
            // message says what and how to fix it; a stack trace would only bury it.
            System.err.println("edgefaas serve: " + e.getMessage());
            return 1;
        }
        platform.restored().failed().forEach((name, why) ->
                System.err.println("edgefaas: kept function " + name + " is not running: " + why));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("edgefaas: stopping: draining requests and stopping instances");
            platform.close();
            System.err.println("edgefaas: stopped");
            stopped.countDown();
        }, "edgefaas-shutdown"));
        try {
            if (!noSamples) {
                deploySamples(platform);
            }
            if (deployDirectory != null) {
                deployDirectory(platform, deployDirectory);
            }
        } catch (ManifestException | SandboxException e) {
            System.err.println("edgefaas: " + e.getMessage());
            System.exit(2);
        }
        printReady(platform);
        stopped.await();
        return 0;
    }

    private void deploySamples(Platform platform) {
        if (!SampleFunctions.built()) {
            throw new SandboxException("the sample functions are not built in " + SampleFunctions.functionsDirectory()
                    + ": run ./edgefaas (which builds them) or ./mvnw package, or pass --no-samples");
        }
        SampleFunctions.manifests().forEach((name, json) -> {
            FunctionManifest manifest = platform.parser().parse(name, json, SampleFunctions.functionsDirectory());
            if (platform.dispatcher().sandboxRefusesRuntime(manifest)) {
                // OSv runs no Node.js: serve the samples it can run rather than none.
                System.err.println("edgefaas: sample " + name + " left out: " + manifest.sandbox() + " does not run "
                        + manifest.runtime().key() + " functions");
                return;
            }
            if (platform.deployer().deployUnlessKept(manifest, json).isEmpty()) {
                System.err.println("edgefaas: sample " + name + " left out: a function of that name is deployed");
            }
        });
    }

    private static void deployDirectory(Platform platform, Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            String json = Files.readString(file);
            String declared = ManifestParser.declaredName(json);
            String name = declared != null ? declared : file.getFileName().toString().replaceAll("\\.json$", "");
            try {
                platform.deploy(name, json, file.toAbsolutePath().getParent());
            } catch (ManifestException e) {
                throw new ManifestException(e.field(), e.getMessage().substring(e.field().length() + 2) + " (in " + file + ")");
            }
        }
    }

    private void printReady(Platform platform) {
        String invokeHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        List<String> names = platform.dispatcher().functions().stream().map(m -> m.name().value()).toList();
        System.out.printf("edgefaas ready: invoke at http://%s:%d/function/{name}/, manage at %s://%s:%d/api/functions%n",
                invokeHost, platform.port(), adminTlsCertificate != null ? "https" : "http", adminHost, platform.adminPort());
        System.out.printf("  sandbox %s, functions: %s%n", sandbox, names.isEmpty() ? "(none)" : String.join(", ", names));
        if (names.contains("hello-go")) {
            System.out.printf("  try: curl -i http://%s:%d/function/hello-go/   (then again: X-Start turns from cold to warm)%n",
                    invokeHost, platform.port());
        }
        System.out.printf("  dashboard: %s://%s:%d/dashboard/ (log in with the token in admin-token of the data directory)%n",
                adminTlsCertificate != null ? "https" : "http", adminHost, platform.adminPort());
        System.out.println("  Ctrl-C stops it and every instance.");
        System.out.flush();
    }

}
