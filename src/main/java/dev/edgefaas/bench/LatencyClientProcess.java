package dev.edgefaas.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A {@link LatencyClient} in a JVM of its own, as every real client of the gateway is. Measured
 * from inside the bench's JVM, which the gateway shares, the gateway's p50 at one client was 10
 * to 60 µs worse than from another process in the same hour (its collector, safepoints and
 * compilers served the client too), while nginx's and the direct path's were not.
 */
final class LatencyClientProcess implements AutoCloseable {
    private final Process process;
    private final PrintStream commands;
    private final BufferedReader answers;
    private final int paths;

    private LatencyClientProcess(Process process, int paths) {
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        this.paths = paths;
    }

    /** Starts the client with this JVM's java and class path, connected to each of {@code targets}. */
    static LatencyClientProcess start(List<URI> targets) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                LatencyClient.class.getName()));
        targets.forEach(target -> command.add(target.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new LatencyClientProcess(process, targets.size());
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Runs {@code count} unrecorded rounds and returns once they are done. */
    void rounds(int count) throws IOException {
        commands.println("rounds " + count);
        String answer = answers.readLine();
        if (!"done".equals(answer)) {
            throw failed();
        }
    }

    /** Runs {@code count} recorded rounds: each path's histogram of nanoseconds, in the order of the targets. */
    List<Histogram> measure(int count) throws IOException {
        commands.println("measure " + count);
        List<Histogram> histograms = new ArrayList<>();
        for (int k = 0; k < paths; k++) {
            String line = answers.readLine();
            if (line == null) {
                throw failed();
            }
            histograms.add(LatencyClient.decode(line));
        }
        return histograms;
    }

    private IOException failed() {
        return new IOException("the latency client stopped" + (process.isAlive() ? "" : " with exit status "
                + process.exitValue()) + "; its standard error above says why");
    }

    @Override
    public void close() throws IOException {
        commands.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
