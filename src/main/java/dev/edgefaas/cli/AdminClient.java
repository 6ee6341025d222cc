package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unusable("the platform answered " + response.statusCode() + " with " + response.body());
        }
        if (response.statusCode() >= 400) {
            throw refused(response.statusCode(), json, response.body());
        }
        return json;
    }

    /**
     * GETs {@code path}, whose answer is text, and copies it to {@code out} as it comes, for as
     * long as it comes (a followed log); errors of the API become messages as for {@link #send}.
     */
    void copyText(String path, OutputStream out) throws IOException {
        HttpResponse<InputStream> response = exchange(HttpRequest.newBuilder(base.resolve(path)).GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() >= 400) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                JsonNode json;
                try {
                    json = JSON.readTree(body);
                } catch (IOException e) {
                    json = JSON.createObjectNode();
                }
                throw refused(response.statusCode(), json, body);
            }
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        try {
            return http.send(request.build(), body);
        } catch (ConnectException e) {
            throw new CommandLine.ParameterException(new CommandLine(new Main()),
                    "no edgefaas is answering at " + base + ": start one with ./edgefaas serve, or pass --admin URL");
        } catch (IOException e) {
            throw new Unusable("cannot reach " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unusable("interrupted", e);
        }
    }

    private Unusable refused(int status, JsonNode json, String body) {
        if (status == 401 && token.isEmpty()) {
            return new Unusable(json.path("error").asText(body)
                    + "; this CLI found no token: pass --token or set EDGEFAAS_TOKEN");
        }
        return new Refused(status, json.path("error").asText(body));
    }

    /** The platform could not be asked, or its answer was no answer of the API; the message says which. */
    static class Unusable extends IllegalStateException {
        Unusable(String message) {
            super(message);
        }

        Unusable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The API refused a request; the message is its error, {@link #status()} its HTTP status. */
    static final class Refused extends Unusable {
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
