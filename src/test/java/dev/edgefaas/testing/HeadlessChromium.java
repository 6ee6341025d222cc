package dev.edgefaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket, JSON messages):
 * a real browser running the page's scripts, with no driver to install beside it. Every error
 * the page reports, a console error, an uncaught exception or a failed load, is kept for the
 * test to assert there was none.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new ArrayList<>();

    /**
     * Skips the calling test where Chromium is not installed, except in CI ({@code CI} set), whose
     * set-up installs it: there a missing browser fails rather than passing unseen.
     */
    public static void assumeInstalled() {
        String missing = "no " + EXECUTABLE + ": apt-get install -y chromium (scripts/setup --for-tests)";
        if (!Files.isExecutable(EXECUTABLE) && System.getenv("CI") != null) {
            throw new AssertionError(missing);
        }
        Assumptions.assumeTrue(Files.isExecutable(EXECUTABLE), missing);
    }

    /** Starts the browser with a profile in {@code profile} and attaches to its first page. */
    public HeadlessChromium(Path profile) throws IOException, InterruptedException {
        process = new ProcessBuilder(EXECUTABLE.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        URI browser = URI.create(devToolsAddress());
        HttpClient http = HttpClient.newHttpClient();
        String targets = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String pageAddress = null;
        for (JsonNode target : JSON.readTree(targets)) {
            if (target.path("type").asText().equals("page")) {
                pageAddress = target.path("webSocketDebuggerUrl").asText();
            }
        }
        if (pageAddress == null) {
            throw new IOException("chromium shows no page: " + targets);
        }
        page = http.newWebSocketBuilder().buildAsync(URI.create(pageAddress), new Listener()).join();
        for (String domain : List.of("Page", "Runtime", "Log")) {
            command(domain + ".enable", JSON.createObjectNode());
        }
    }

    private String devToolsAddress() throws IOException {
        BufferedReader stderr = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = stderr.readLine()) != null; ) {
            Matcher listening = LISTENING.matcher(line);
            if (listening.find()) {
                // Keep draining, so that chromium never blocks on a full pipe.
                Thread.ofPlatform().daemon().start(() -> stderr.lines().forEach(ignored -> { }));
                return listening.group(1);
            }
            seen.add(line);
        }
        throw new IOException("chromium ended before it listened: " + String.join("\n", seen));
    }

    /** Sends a DevTools command and waits for its result. */
    public JsonNode command(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        page.sendText(message.toString(), true).join();
        JsonNode answer = result.orTimeout(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    public void navigate(String url) {
        command("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** Evaluates {@code expression} in the page, awaiting it if it is a promise; its value as JSON. */
    public JsonNode evaluate(String expression) {
        JsonNode result = command("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("awaitPromise", true).put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Types {@code text} into the element {@code selector} picks, as a keyboard would insert it. */
    public void type(String selector, String text) {
        evaluate("document.querySelector(" + JSON.valueToTree(selector) + ").focus()");
        command("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    public void click(String selector) {
        evaluate("document.querySelector(" + JSON.valueToTree(selector) + ").click()");
    }

    /** Sizes the page as a screen of {@code width} x {@code height} CSS pixels; {@code mobile} as a phone's. */
    public void viewport(int width, int height, boolean mobile) {
        command("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", mobile ? 2 : 1).put("mobile", mobile));
    }

    /** The whole page as a PNG, written to {@code file}. */
    public void screenshot(Path file) throws IOException {
        JsonNode shot = command("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")
                .put("captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    /** What the page reported as errors so far, forgotten now: for a test that provoked one on purpose. */
    public List<String> takeErrors() {
        synchronized (errors) {
            List<String> taken = List.copyOf(errors);
            errors.clear();
            return taken;
        }
    }

    /** What the page reported as errors so far. */
    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    private void received(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> waiting = pending.remove(message.get("id").asInt());
            if (waiting != null) {
                waiting.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        String error = switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> "uncaught: " + params.path("exceptionDetails");
            case "Runtime.consoleAPICalled" -> List.of("error", "assert").contains(params.path("type").asText())
                    ? "console." + params.path("type").asText() + ": " + params.path("args") : null;
            case "Log.entryAdded" -> params.path("entry").path("level").asText().equals("error")
                    ? "log: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText()
                    : null;
            default -> null;
        };
        if (error != null) {
            synchronized (errors) {
                errors.add(error);
            }
        }
    }

    /**
     * Stops the browser and every process it started. Its helpers (renderer, GPU, crashpad) outlive the main
     * process by a moment and still write to the profile, which a test's {@code @TempDir} then fails to delete.
     */
    @Override
    public void close() {
        page.abort();
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        process.destroy();
        try {
            for (ProcessHandle member : tree) {
                awaitExit(member);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void awaitExit(ProcessHandle member) throws InterruptedException {
        try {
            member.onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            member.destroyForcibly();
            try {
                member.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException stuck) {
                throw new IllegalStateException("chromium process " + member.pid() + " did not exit", stuck);
            }
        }
    }

    /** Joins the parts of each message (a screenshot comes in many) and hands it on. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    synchronized (errors) {
                        errors.add("unreadable DevTools message: " + e.getMessage());
                    }
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
