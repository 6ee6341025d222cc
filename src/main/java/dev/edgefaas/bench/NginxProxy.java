package dev.edgefaas.bench;

import dev.edgefaas.host.Executables;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * nginx as a reference reverse proxy to one instance, the way it is usually set up in front of
 * an HTTP service: one worker, HTTP/1.1 to the upstream with a keepalive pool of 128 connections,
 * no access log. One process of ours ({@code master_process off}) in a directory of its own,
 * gone when closed. The warm-overhead benchmark puts the gateway beside it.
 */
public final class NginxProxy implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path directory;
    private final int port;

    private NginxProxy(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** Whether an {@code nginx} binary is installed (Debian's {@code nginx-light} will do). */
    public static Optional<Path> binary() {
        return Executables.find("nginx").or(() -> Optional.of(Path.of("/usr/sbin/nginx")).filter(Files::isExecutable));
    }

    /** Starts nginx proxying every path to {@code upstream} ({@code http://host:port}); returns once it accepts. */
    public static NginxProxy start(Path nginx, URI upstream) {
        Path directory;
        try {
            directory = Files.createTempDirectory("edgefaas-nginx-");
            int port = LoopbackPorts.free();
            Files.writeString(directory.resolve("nginx.conf"), config(upstream, port, directory));
            Process process = new ProcessBuilder(List.of(nginx.toString(), "-p", directory.toString(), "-c", "nginx.conf"))
                    .redirectErrorStream(true).redirectOutput(directory.resolve("output").toFile()).start();
            NginxProxy proxy = new NginxProxy(process, directory, port);
            proxy.awaitAccepting();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx: " + e.getMessage(), e);
        }
    }

    private static String config(URI upstream, int port, Path directory) {
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    # nginx closes a client's connection after 1000 requests by default; the gateway does not.
                    keepalive_requests 10000000;
                    keepalive_timeout 300s;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    upstream function { server %2$s:%3$d; keepalive 128; keepalive_requests 10000000; }
                    server {
                        listen 127.0.0.1:%4$d reuseport;
                        location / {
                            proxy_pass http://function;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                }
                """.formatted(directory, upstream.getHost(), upstream.getPort(), port);
    }

    private void awaitAccepting() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited: " + Files.readString(directory.resolve("output")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
        throw new IOException("nginx did not accept on port " + port + " within " + START_TIMEOUT.toSeconds() + " s");
    }

    /** The proxy's URI of {@code pathAndQuery} on the instance. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        StateDirectory.deleteTree(directory);
    }
}
