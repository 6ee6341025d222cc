package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine;

/** The CLI's client of a running platform's management API. */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(URI base) {
        this.base = base;
    }

    /** Sends a request and returns the parsed JSON body; errors of the API become messages for the user. */
    JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CommandLine.ParameterException(new CommandLine(new Main()),
                    "no edgefaas is answering at " + base + ": start one with ./edgefaas serve, or pass --admin URL");
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("the platform answered " + response.statusCode() + " with " + response.body());
        }
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(json.path("error").asText(response.body()));
        }
        return json;
    }
}
