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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = "Invokes a function through the gateway and prints its answer.")
final class InvokeCommand implements Callable<Integer> {
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

    @Override
    public Integer call() throws Exception {
        String below = path.isEmpty() || path.startsWith("/") || path.startsWith("?") ? path : "/" + path;
        if (below.startsWith("?")) {
            below = "/" + below;
        }
        URI target = URI.create(gateway.toString().replaceAll("/$", "") + "/function/" + name + below);
        HttpRequest.BodyPublisher body = data == null ? HttpRequest.BodyPublishers.noBody()
                : data.startsWith("@") ? HttpRequest.BodyPublishers.ofFile(Path.of(data.substring(1)))
                : HttpRequest.BodyPublishers.ofString(data);
        HttpResponse<byte[]> response;
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            response = client.send(HttpRequest.newBuilder(target).method(method, body).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
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
        OutputStream out = System.out;
        out.write(response.body());
        out.flush();
        return response.statusCode() < 400 ? 0 : 1;
    }
}
