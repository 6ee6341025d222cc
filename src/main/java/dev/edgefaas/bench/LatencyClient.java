package dev.edgefaas.bench;

import dev.edgefaas.http.KeepAliveConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The client of {@link WarmOverhead}'s one-client rounds, in a JVM of its own
 * ({@link LatencyClientProcess}): one request on each path per round, the path that goes first
 * rotating, so no path always follows another's cache effects. Driven a line at a time on
 * standard input: {@code rounds N} runs N unrecorded rounds and answers {@code done};
 * {@code measure N} runs N recorded rounds and answers one line per path, its histogram of
 * nanoseconds compressed in Base64, in the order the paths were given.
 *
 * <p>Arguments: the URIs of the paths.
 */
public final class LatencyClient {
    private LatencyClient() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        List<URI> targets = Arrays.stream(args).map(URI::create).toList();
        List<KeepAliveConnection> connections = new ArrayList<>();
        for (URI target : targets) {
            connections.add(new KeepAliveConnection(target));
        }
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        int round = 0;
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] command = line.split(" ");
            int count = Integer.parseInt(command[1]);
            if (command[0].equals("rounds")) {
                rounds(targets, connections, round, count, null);
                out.println("done");
            } else {
                List<Histogram> histograms = new ArrayList<>();
                for (int k = 0; k < connections.size(); k++) {
                    histograms.add(new Histogram(60_000_000_000L, 3));
                }
                rounds(targets, connections, round, count, histograms);
                for (Histogram histogram : histograms) {
                    out.println(encode(histogram));
                }
            }
            round += count;
        }
        for (KeepAliveConnection connection : connections) {
            connection.close();
        }
    }

    private static void rounds(List<URI> targets, List<KeepAliveConnection> connections, int firstRound, int count,
                               List<Histogram> into) throws IOException {
        int paths = connections.size();
        for (int i = firstRound; i < firstRound + count; i++) {
            for (int k = 0; k < paths; k++) {
                int which = (i + k) % paths;
                long start = System.nanoTime();
                int status = connections.get(which).get();
                long nanos = System.nanoTime() - start;
                if (status != 200) {
                    throw new IOException("the warm request to " + targets.get(which) + " answered " + status);
                }
                if (into != null) {
                    into.get(which).recordValue(nanos);
                }
            }
        }
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String line) throws IOException {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(line)), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IOException("the latency client answered no histogram: " + line, e);
        }
    }
}
