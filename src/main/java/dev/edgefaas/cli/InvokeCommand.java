package dev.edgefaas.cli;

import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Invokes a function through the gateway and prints its answer; with --async, queues the",
            "invocation and prints its id at once ('edgefaas async ID' then tells how it went)."})
final class InvokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Parameters(index = "1", paramLabel = "PATH", defaultValue = "", description = "Path and query below the function, e.g. '?n=30'.")
    String path;
    @Option(names = {"-X", "--method"}, defaultValue = "GET")
    String method;
    @Option(names = {"-d", "--data"}, description = "Request body; @FILE reads it from FILE.")
    String data;
    @Option(names = {"-i", "--include"}, description = "Print the status line and headers (X-Start, Server-Timing) too.")
    boolean include;
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Gateway (default: ${DEFAULT-VALUE}).")
    URI gateway;
    @Option(names = "--async", description = "Queue it (a POST to /async-function/...): the node runs it when it has"
            + " capacity, and keeps it across restarts until it has.")
    boolean async;
    @Option(names = "--callback", paramLabel = "URL", description = "With --async: where the node POSTs the result.")
    String callback;

    @Override
    public Integer call() throws Exception {
        String below = path.isEmpty() || path.startsWith("/") || path.startsWith("?") ? path : "/" + path;
        if (below.startsWith("?")) {
            below = "/" + below;
        }
        if (!async && callback != null) {
            throw new ParameterException(spec.commandLine(), "--callback: only an --async invocation has a callback");
        }
        if (async && !method.equals("GET") && !method.equals("POST")) {
            throw new ParameterException(spec.commandLine(), "--method: an --async invocation is a POST, not " + method);
        }
        String route = async ? "/async-function/" : "/function/";
        URI target = URI.create(gateway.toString().replaceAll("/$", "") + route + name + below);
        HttpRequest.BodyPublisher body = data == null ? HttpRequest.BodyPublishers.noBody()
                : data.startsWith("@") ? HttpRequest.BodyPublishers.ofFile(Path.of(data.substring(1)))
                : HttpRequest.BodyPublishers.ofString(data);
        HttpResponse<byte[]> response;
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).method(async ? "POST" : method, body);
            if (callback != null) {
                request.header("X-Callback-Url", callback);
            }
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            System.err.println("no gateway is answering at " + gateway + ": start one with ./edgefaas serve, or pass --url");
            return 1;
        }
        if (include) {
            System.out.println("HTTP " + response.statusCode());
            for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                header.getValue().forEach(value -> System.out.println(header.getKey() + ": " + value));
            }
            System.out.println();
        }
        if (async && response.statusCode() == 202) {
            String id = response.headers().firstValue("X-Edgefaas-Invocation").orElse("");
            System.out.println(id);
            System.err.println("queued; './edgefaas async " + id + "' tells how it goes (--wait --result: its answer)");
            return 0;
        }
        OutputStream out = System.out;
        out.write(response.body());
        out.flush();
        return response.statusCode() < 400 ? 0 : 1;
    }
}
