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
import java.util.Optional;
import picocli.CommandLine;

/** The CLI's client of a running platform's management API. */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    /** Sends a request and returns the parsed JSON body; errors of the API become messages for the user. */
    JsonNode send(String method, String path, String body) {
        return send(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                body == null ? null : "application/json", Duration.ofSeconds(60));
    }

    /** Sends {@code body} (an upload, say) of {@code contentType}; as {@link #send(String, String, String)}. */
    JsonNode send(String method, String path, HttpRequest.BodyPublisher body, String contentType, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        request.method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
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
        if (response.statusCode() == 401 && token.isEmpty()) {
            throw new IllegalStateException(json.path("error").asText(response.body())
                    + "; this CLI found no token: pass --token or set EDGEFAAS_TOKEN");
        }
        if (response.statusCode() >= 400) {
            throw new Refused(response.statusCode(), json.path("error").asText(response.body()));
        }
        return json;
    }

    /** The API refused a request; the message is its error, {@link #status()} its HTTP status. */
    static final class Refused extends IllegalStateException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
