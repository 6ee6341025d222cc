package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorder function ({@code fixtures/recorder.js}) deployed on a test platform with one
 * instance that serves one request at a time, so its record file can be read without sleeping:
 * once a {@link #settle() sentinel} request is answered, every request forwarded before it has
 * been recorded.
 */
final class Recorder {
    static final String SENTINEL_PATH = "/sentinel";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestPlatform platform;
    private final String name;
    private final Path recordFile;

    private Recorder(TestPlatform platform, String name, Path recordFile) {
        this.platform = platform;
        this.name = name;
        this.recordFile = recordFile;
    }

    /** Deploys the recorder as function {@code name}; its first instance starts with the first request. */
    static Recorder deploy(TestPlatform platform, String name) {
        try {
            Path recordFile = Files.createTempFile("edgefaas-recorder-", ".jsonl");
            platform.deploy(name, Fixtures.nodeManifest(Fixtures.nodeFixture("recorder.js"),
                    "\"concurrency\": 1, \"max-instances\": 1, \"queue-timeout\": \"5s\","
                            + " \"env\": {\"RECORD_FILE\": \"" + recordFile + "\"}"));
            return new Recorder(platform, name, recordFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    /**
     * Sends the sentinel (a plain GET on a fresh connection) and returns what was recorded before
     * it, sentinels left out. Fails if the sentinel is not answered 200: the function's one slot
     * is still held by an earlier exchange.
     */
    List<RecordedRequest> settle() {
        HttpResponse<String> sentinel = platform.get("/function/" + name + SENTINEL_PATH);
        assertThat(sentinel.statusCode()).as("the sentinel request (%s)", sentinel.body()).isEqualTo(200);
        return recorded();
    }

    /** What the record file holds now, sentinels left out. */
    List<RecordedRequest> recorded() {
        List<RecordedRequest> requests = new ArrayList<>();
        try {
            if (!Files.exists(recordFile)) {
                return requests;
            }
            for (String line : Files.readAllLines(recordFile, StandardCharsets.UTF_8)) {
                RecordedRequest request = RecordedRequest.of(JSON.readTree(line));
                if (!request.url().startsWith(SENTINEL_PATH)) {
                    requests.add(request);
                }
            }
            return requests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests holding a slot on the function's instances now. */
    int inFlight() {
        return platform.instances(name).stream().mapToInt(InstanceView::inFlight).sum();
    }
}
