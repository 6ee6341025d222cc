package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgefaas.function.Durations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "async", mixinStandardHelpOptions = true,
        description = {"Tells how an asynchronous invocation ('invoke --async') stands: queued, running, done or",
            "failed, with its answer's status and its callback's delivery; kept an hour after it finished."})
final class AsyncCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);

    @Mixin
    AdminOption admin;
    @Parameters(paramLabel = "ID", description = "The invocation's id, as 'invoke --async' printed it.")
    String id;
    @Option(names = "--wait", description = "Wait until it is done or failed.")
    boolean await;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    String timeout;
    @Option(names = "--result", description = "Print the body of its answer (once done) instead of its status.")
    boolean result;

    @Override
    public Integer call() throws Exception {
        AdminClient client = admin.client();
        String path = "api/async/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        JsonNode status = client.send("GET", path, null);
        long deadline = System.nanoTime() + Durations.parse("--timeout", timeout).toNanos();
        while (await && !finished(status) && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
            status = client.send("GET", path, null);
        }
        if (result && status.path("state").asText().equals("done")) {
            client.copyText(path + "/result", System.out);
            return status.path("status").asInt() < 400 ? 0 : 1;
        }
        for (Map.Entry<String, JsonNode> field : status.properties()) {
            System.out.println(field.getKey() + ": " + (field.getValue().isValueNode() ? field.getValue().asText()
                    : field.getValue().toString()));
        }
        if (result) {
            System.err.println("no answer to print: it is " + status.path("state").asText());
        }
        return finished(status) && status.path("state").asText().equals("done") || !await && !result ? 0 : 1;
    }

    private static boolean finished(JsonNode status) {
        String state = status.path("state").asText();
        return state.equals("done") || state.equals("failed");
    }
}
