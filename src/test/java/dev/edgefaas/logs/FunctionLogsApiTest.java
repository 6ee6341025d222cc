package dev.edgefaas.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Functions' logs through a real platform: what instances print, stamped and kept per function,
 * read back by {@code GET /api/functions/NAME/logs} (tail, instance, follow); a failed cold start
 * names its log; the log goes with its function.
 */
class FunctionLogsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAMPED = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ";
    private final TestPlatform platform = new TestPlatform();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void whatEachInstancePrintsIsInItsFunctionsLogWithItsTimeAndInstance() {
        platform.deploySample("hello-go", "talker", "\"min-instances\": 2, \"max-instances\": 2");
        await().atMost(Duration.ofSeconds(30)).until(() -> ready("talker").size() == 2);
        List<String> ids = ready("talker").stream().map(InstanceView::id).toList();
        // The line each printed once it listened may still be on its way through the pipe.
        await().atMost(Duration.ofSeconds(10)).until(() -> logs("talker", "").lines().count() >= 2);

        assertThat(logs("talker", "").lines()).allMatch(line -> line.matches(STAMPED + "talker-[0-9a-f]+ listening on :\\d+"));
        assertThat(logs("talker", "?instance=" + ids.getFirst()).lines()).singleElement()
                .satisfies(line -> assertThat(line).contains(" " + ids.getFirst() + " listening on :"));
        assertThat(logs("talker", "?tail=1").lines()).hasSize(1);
        assertThat(logs("talker", "?tail=0")).isEmpty();
    }

    @Test
    void aFollowerSeesTheLinesOfInstancesStartedAfterItCame() throws Exception {
        platform.deploySample("hello-go", "once", "\"single-use\": true, \"concurrency\": 1");
        assertThat(platform.get("/function/once/").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !logs("once", "").isEmpty());
        HttpResponse<InputStream> follow = http.send(HttpRequest.newBuilder(platform.admin("/api/functions/once/logs?follow=true"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(follow.statusCode()).isEqualTo(200);
        List<String> seen = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(follow.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    seen.add(line);
                }
            } catch (Exception e) {
                // the platform closed the stream at the end of the test
            }
        });

        assertThat(platform.get("/function/once/").statusCode()).isEqualTo(200);
        assertThat(platform.get("/function/once/").statusCode()).isEqualTo(200);

        // The line of the instance before (the tail), then those of two new single-use instances as they came.
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().filter(l -> l.contains(" listening on :"))
                .map(l -> l.split(" ")[1]).distinct().count() == 3);
        assertThat(seen).allMatch(line -> line.matches(STAMPED + "once-[0-9a-f]+ .*"));
        platform.platform().dispatcher().remove("once", Duration.ofSeconds(5));
        reader.join(Duration.ofSeconds(10));
        assertThat(reader.isAlive()).as("a follower ends with its function's log").isFalse();
    }

    @Test
    void aFailedColdStartNamesItsLogWhichHasTheWholeOutput() {
        platform.deploy("broken", Fixtures.goManifest(Fixtures.goFixture("exits"), ""));

        HttpResponse<String> response = platform.get("/function/broken/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("edgefaas logs broken --instance broken-");
        assertThat(logs("broken", "")).contains(" config missing: DATABASE_URL");
    }

    @Test
    void badQueriesAndUnknownFunctionsAreRefusedNamingTheField() throws Exception {
        platform.deploySample("hello-go", "talker", "");

        HttpResponse<String> badTail = get("/api/functions/talker/logs?tail=lots");
        HttpResponse<String> badFollow = get("/api/functions/talker/logs?follow=yes");
        HttpResponse<String> unknown = get("/api/functions/nobody/logs");

        assertThat(badTail.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badTail.body()).path("field").asText()).isEqualTo("tail");
        assertThat(badFollow.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badFollow.body()).path("field").asText()).isEqualTo("follow");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void theLogGoesWithItsFunction() throws Exception {
        platform.deploySample("hello-go", "brief", "");
        assertThat(platform.get("/function/brief/").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !logs("brief", "").isEmpty());
        var directory = platform.platform().dispatcher().log("brief").orElseThrow().directory();

        platform.platform().dispatcher().remove("brief", Duration.ofSeconds(5));

        assertThat(Files.exists(directory)).isFalse();
        assertThat(get("/api/functions/brief/logs").statusCode()).isEqualTo(404);
    }

    private List<InstanceView> ready(String function) {
        return platform.instances(function).stream().filter(i -> i.state().equals("ready")).toList();
    }

    private String logs(String function, String query) {
        HttpResponse<String> response = platform.send(HttpRequest.newBuilder(
                platform.admin("/api/functions/" + function + "/logs" + query)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(platform.admin(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
