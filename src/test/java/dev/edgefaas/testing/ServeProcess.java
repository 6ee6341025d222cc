package dev.edgefaas.testing;

import dev.edgefaas.admin.AdminToken;
import dev.edgefaas.platform.SampleFunctions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code edgefaas serve} in a JVM of its own, as a user starts it, so that tests can signal,
 * kill and restart it. Waits for its ready line and reads the ports from it.
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile(
            "edgefaas ready: invoke at http://[^:]+:(\\d+)/.*manage at https?://[^:]+:(\\d+)/");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final int port;
    private final int adminPort;
    private Path dataDirectory;

    private ServeProcess(Process process, int port, int adminPort) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * Starts serve on ephemeral ports with {@code stateDirectory}, extra JVM options and serve
     * arguments; its functions are kept in {@code stateDirectory/data} unless they say {@code --data-dir}.
     */
    public static ServeProcess start(Path stateDirectory, List<String> jvmOptions, String... serveArguments) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-Dedgefaas.functions.dir=" + SampleFunctions.functionsDirectory());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.edgefaas.cli.Main");
        command.addAll(List.of("serve", "--port", "0", "--admin-port", "0", "--host", "127.0.0.1",
                "--state-dir", stateDirectory.toString()));
        List<String> arguments = List.of(serveArguments);
        int given = arguments.indexOf("--data-dir");
        // Never the node's own /var/lib/edgefaas: a test keeps its functions beside its state.
        Path dataDirectory = given >= 0 ? Path.of(arguments.get(given + 1)) : stateDirectory.resolve("data");
        if (given < 0) {
            command.addAll(List.of("--data-dir", dataDirectory.toString()));
        }
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            ServeProcess serve = awaitReady(process);
            serve.dataDirectory = dataDirectory;
            return serve;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServeProcess awaitReady(Process process) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = lines.readLine()) != null) {
            seen.add(line);
            Matcher ready = READY.matcher(line);
            if (ready.find()) {
                ServeProcess serve = new ServeProcess(process, Integer.parseInt(ready.group(1)), Integer.parseInt(ready.group(2)));
                serve.output.addAll(seen);
                Thread.ofVirtual().start(() -> serve.drain(lines));
                return serve;
            }
        }
        throw new IllegalStateException("serve exited before it was ready: " + String.join("\n", seen));
    }

    private void drain(BufferedReader lines) {
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            // The process is gone; what it printed so far is kept.
        }
    }

    public URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    /** The management token this serve made (or found) in its data directory. */
    public String token() {
        return AdminToken.read(dataDirectory.resolve(AdminToken.FILE_NAME)).orElseThrow();
    }

    /** A request to the management API at {@code path}, carrying the token. */
    public HttpRequest.Builder adminRequest(String path) {
        return HttpRequest.newBuilder(admin(path)).header("Authorization", "Bearer " + token());
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("serve did not stop within 60 s of SIGTERM: " + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: the platform gets no chance to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String output() {
        return String.join("\n", output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                terminate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
