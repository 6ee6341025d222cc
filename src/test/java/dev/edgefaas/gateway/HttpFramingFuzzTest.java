package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.gateway.RawHttpClient.Received;
import dev.edgefaas.testing.TestPlatform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A property of the invocation listener, checked on generated and mutated requests
 * ({@link FuzzedRequest}), each sent alone on a fresh connection that the client then
 * half-closes: at most one request reaches the function; no answer is a 5xx (the function is
 * healthy, so every error is the client's; a 505 for a request line that names a major
 * version other than 1 is the one exception); and afterwards no request is left in flight.
 *
 * <p>CI runs {@value #DEFAULT_SAMPLES} samples from a fixed seed and stops at the first one
 * that falsifies the property; its message has the bytes sent and the flags that replay it
 * alone. A longer run from a random seed (Surefire passes {@code -D} properties on to the test
 * JVM; the seed is in a failure's message, and with the outcome counts in
 * {@code target/surefire-reports/dev.edgefaas.gateway.HttpFramingFuzzTest-output.txt}):
 * <pre>{@code ./mvnw -B -o -q test -Dtest=HttpFramingFuzzTest -Dedgefaas.fuzz.samples=50000 -Dedgefaas.fuzz.seed=random}</pre>
 * There is no shrinking: a failing request is printed whole, with the steps that made it.
 */
class HttpFramingFuzzTest {
    static final int DEFAULT_SAMPLES = 2000;
    private static final long DEFAULT_SEED = 0x6564_6765_6661_6173L;
    private static final Pattern REQUEST_LINE = Pattern.compile("(?:\r?\n)*[^ \r\n]+ [^ \r\n]+ HTTP/([0-9])\\.[0-9]\r?\n.*", Pattern.DOTALL);

    private static TestPlatform platform;
    private static Recorder recorder;

    @BeforeAll
    static void start() {
        platform = new TestPlatform();
        recorder = Recorder.deploy(platform, "rec");
    }

    @AfterAll
    static void close() {
        platform.close();
    }

    @Test
    void noClientBytesReachTheFunctionTwiceDrawA5xxOrLeaveARequestInFlight() {
        long seed = seed();
        int from = Integer.getInteger("edgefaas.fuzz.from", 0);
        int samples = Integer.getInteger("edgefaas.fuzz.samples", DEFAULT_SAMPLES);
        Map<String, Integer> outcomes = new TreeMap<>();
        int seen = recorder.settle().size();
        for (int sample = from; sample < from + samples; sample++) {
            FuzzedRequest request = FuzzedRequest.generate(sampleRandom(seed, sample),
                    platform.platform().port());
            String replay = "sample " + sample + " (replay: -Dedgefaas.fuzz.seed=" + seed + " -Dedgefaas.fuzz.from=" + sample
                    + " -Dedgefaas.fuzz.samples=1)\nrequest: " + RawHttpClient.printable(request.bytes(), 4000)
                    + "\nsteps: " + request.steps();
            Received received;
            try {
                received = RawHttpClient.exchangeHalfClosed(platform.platform().port(), request.bytes(), request.isHead());
            } catch (AssertionError e) {
                throw new AssertionError(replay + "\n" + e.getMessage(), e);
            }
            String context = replay + "\nresponses: " + received.responses() + (received.closed() ? "" : " (connection left open)");

            assertThat(received.responses()).as(context).allSatisfy(response ->
                    assertThat(response.status() < 500 || response.status() == 505 && namesAnotherMajorVersion(request))
                            .as("a client error answered %d", response.status()).isTrue());
            await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                    assertThat(recorder.inFlight()).as("requests in flight after %s", context).isZero());
            List<RecordedRequest> recorded = recorder.settle();
            assertThat(recorded.size() - seen).as("requests that reached the function from %s:\n%s", context,
                    recorded.subList(seen, recorded.size())).isLessThanOrEqualTo(1);

            String outcome = received.responses().stream().map(r -> Integer.toString(r.status())).toList()
                    + (recorded.size() > seen ? " forwarded" : "") + (received.closed() ? "" : " left open");
            outcomes.merge(outcome, 1, Integer::sum);
            seen = recorded.size();
        }
        System.out.println("HttpFramingFuzzTest seed " + seed + ", samples " + from + ".." + (from + samples - 1)
                + ", outcomes (statuses, forwarded?): " + outcomes);
    }

    /** The random source of one sample: its own, so that any sample can be replayed alone. */
    static SplittableRandom sampleRandom(long seed, int sample) {
        return new SplittableRandom(new SplittableRandom(seed + sample).nextLong());
    }

    private static boolean namesAnotherMajorVersion(FuzzedRequest request) {
        Matcher line = REQUEST_LINE.matcher(new String(request.bytes(), StandardCharsets.ISO_8859_1));
        return line.matches() && !line.group(1).equals("1");
    }

    private static long seed() {
        String configured = System.getProperty("edgefaas.fuzz.seed");
        if (configured == null || configured.isBlank()) {
            return DEFAULT_SEED;
        }
        return configured.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(configured);
    }
}
