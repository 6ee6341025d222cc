package dev.edgefaas.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.admin.RawAdminClient.Answer;
import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.testing.TestPlatform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A property of the management API, checked on generated and mutated requests
 * ({@link FuzzedAdminRequest}) against a node that keeps its functions and asks for its token,
 * with one healthy function deployed: no answer is a 5xx; every 4xx is JSON, {@code {"error":
 * ..., "status": N}}, its error naming what the generator put wrong (the manifest's key, the
 * query parameter, the unknown function, the missing token; for what Helidon refuses before the
 * routes, the request's path); a request that must be refused is; after every sample the deployed
 * functions and their versions are those of the start (a deploy the generator let succeed is
 * removed first); and the healthy function still answers through the gateway.
 *
 * <p>CI runs {@value #DEFAULT_SAMPLES} samples from a fixed seed and stops at the first one that
 * falsifies the property; its message has the request and the flags that replay it alone. A
 * longer run from a random seed (the seed is in a failure's message, and with the outcome counts in
 * {@code target/surefire-reports/dev.edgefaas.admin.ManagementApiFuzzTest-output.txt}):
 * <pre>{@code ./mvnw -B -o -q test -Dtest=ManagementApiFuzzTest -Dedgefaas.fuzz.samples=20000 -Dedgefaas.fuzz.seed=random}</pre>
 * There is no shrinking: a failing request is printed whole, with the steps that made it.
 */
class ManagementApiFuzzTest {
    static final int DEFAULT_SAMPLES = 1000;
    private static final long DEFAULT_SEED = 0x6164_6d69_6e61_7069L;
    private static final String HEALTHY = "steady";
    /** How long a request may go unanswered; a followed log stays open, and only its beginning is waited for. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FOLLOW_WAIT = Duration.ofMillis(500);
    /** Every this many samples, the healthy function is invoked too. */
    private static final int INVOKE_EVERY = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestPlatform platform;
    private static FuzzedAdminRequest.Node node;
    private static Map<String, String> deployed;

    @BeforeAll
    static void start() throws IOException {
        platform = TestPlatform.keepingFunctions();
        Path hello = SampleFunctions.functionsDirectory().resolve("go/hello");
        HttpResponse<String> uploaded = platform.send(authorized("/api/artifacts?name=function")
                .POST(HttpRequest.BodyPublishers.ofFile(hello.resolve("function"))).build());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        String reference = JSON.readTree(uploaded.body()).path("artifact").asText();
        // Deployed from the upload, which its record then keeps.
        HttpResponse<String> healthy = platform.send(authorized("/api/functions/" + HEALTHY).PUT(HttpRequest.BodyPublishers
                .ofString("{\"runtime\": \"go\", \"artifact\": \"" + reference + "\"}")).build());
        assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(201);
        assertStillServes("at the start");
        node = new FuzzedAdminRequest.Node(platform.platform().adminPort(), platform.adminToken(), HEALTHY,
                List.of(ManifestValues.quoted(reference), ManifestValues.quoted(hello.toString()),
                        ManifestValues.quoted(hello.resolve("function").toString())));
        deployed = functionVersions();
    }

    @AfterAll
    static void close() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void noRequestDrawsA5xxOrAnUnnamedErrorOrChangesAFunctionWhenRefused() {
        long seed = seed();
        int from = Integer.getInteger("edgefaas.fuzz.from", 0);
        int samples = Integer.getInteger("edgefaas.fuzz.samples", DEFAULT_SAMPLES);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int sample = from; sample < from + samples; sample++) {
            FuzzedAdminRequest request = FuzzedAdminRequest.generate(sampleRandom(seed, sample), node);
            String replay = "sample " + sample + " (replay: -Dedgefaas.fuzz.seed=" + seed + " -Dedgefaas.fuzz.from=" + sample
                    + " -Dedgefaas.fuzz.samples=1)\nrequest: " + FuzzedAdminRequest.printable(request.bytes(), 3000)
                    + "\nsteps: " + request.steps();
            Answer answer;
            try {
                answer = RawAdminClient.exchange(node.port(), request.bytes(), request.isHead(),
                        request.streams() ? FOLLOW_WAIT : ANSWER_TIMEOUT);
            } catch (AssertionError e) {
                if (request.streams()) {
                    // A followed log with no line yet answers with its first: nothing may come for a while.
                    outcomes.merge(request.kind() + " (open, nothing yet)", 1, Integer::sum);
                    continue;
                }
                throw new AssertionError(replay + "\n" + e.getMessage(), e);
            }
            String context = replay + "\nanswer: " + answer;
            check(request, answer, context);
            outcomes.merge(request.kind() + " " + answer.status(), 1, Integer::sum);
            if (sample % INVOKE_EVERY == 0) {
                assertStillServes("after " + context);
            }
        }
        assertStillServes("after the last sample");
        System.out.println("ManagementApiFuzzTest seed " + seed + ", samples " + from + ".." + (from + samples - 1)
                + ", outcomes (kind, status): " + outcomes);
    }

    private static void check(FuzzedAdminRequest request, Answer answer, String context) {
        int status = answer.status();
        assertThat(status).as("a 5xx for %s", context).isLessThan(500);
        if (status >= 400 && !request.isHead()) {
            JsonNode error = answer.json().orElseThrow(() -> new AssertionError("a " + status + " whose body is no JSON: "
                    + context));
            assertThat(error.path("status").asInt()).as("the status in the body of %s", context).isEqualTo(status);
            String message = error.path("error").asText("");
            assertThat(message).as("the error of %s", context).isNotBlank();
            if (!request.faults().isEmpty()) {
                assertThat(request.faults()).as("what the error '%s' should name, one of them, for %s", message, context)
                        .anyMatch(message::contains);
            }
        }
        if (request.mustBeRejected()) {
            assertThat(status).as("the status of a request that must be refused, %s", context).isBetween(400, 499);
        }
        if (status < 300 && request.deploys().isPresent()) {
            // A deploy that may succeed did: removed again, so that every sample meets the same functions.
            HttpResponse<String> removed = platform.send(authorized("/api/functions/" + request.deploys().get()).DELETE().build());
            assertThat(removed.statusCode()).as("removing what %s deployed: %s", context, removed.body()).isEqualTo(200);
        }
        assertThat(functionVersions()).as("the functions and their versions after %s", context).isEqualTo(deployed);
    }

    private static void assertStillServes(String when) {
        HttpResponse<String> invoked = platform.get("/function/" + HEALTHY + "/");
        assertThat(invoked.statusCode()).as("the healthy function invoked %s: %s", when, invoked.body()).isEqualTo(200);
        assertThat(invoked.body()).isEqualTo("hello\n");
    }

    /** Each deployed function's version, by name, as {@code GET /api/functions} lists them. */
    private static Map<String, String> functionVersions() {
        HttpResponse<String> listed = platform.send(authorized("/api/functions").GET().build());
        assertThat(listed.statusCode()).as("GET /api/functions: %s", listed.body()).isEqualTo(200);
        Map<String, String> versions = new TreeMap<>();
        try {
            JSON.readTree(listed.body()).forEach(function -> versions.put(function.path("name").asText(),
                    function.path("version").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }

    private static HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(platform.admin(path)).timeout(ANSWER_TIMEOUT)
                .header("Authorization", "Bearer " + platform.adminToken());
    }

    /** The random source of one sample: its own, so that any sample can be replayed alone. */
    private static SplittableRandom sampleRandom(long seed, int sample) {
        return new SplittableRandom(new SplittableRandom(seed + sample).nextLong());
    }

    private static long seed() {
        String configured = System.getProperty("edgefaas.fuzz.seed");
        if (configured == null || configured.isBlank()) {
            return DEFAULT_SEED;
        }
        return configured.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(configured);
    }
}
