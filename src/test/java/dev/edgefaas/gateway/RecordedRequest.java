package dev.edgefaas.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One request as the recorder function received it: the raw target, the field lines in order
 * (Latin-1, so every byte value survives) and the body.
 */
record RecordedRequest(String method, String url, String httpVersion, List<String> rawHeaders, byte[] body) {
    RecordedRequest {
        rawHeaders = List.copyOf(rawHeaders);
    }

    static RecordedRequest of(JsonNode line) {
        List<String> rawHeaders = new ArrayList<>();
        line.path("rawHeaders").forEach(value -> rawHeaders.add(value.asText()));
        byte[] body = line.path("body").asText().getBytes(StandardCharsets.ISO_8859_1);
        if (body.length != line.path("bodyBytes").asLong()) {
            throw new AssertionError("the recorder's body is not Latin-1: " + line);
        }
        return new RecordedRequest(line.path("method").asText(), line.path("url").asText(),
                line.path("httpVersion").asText(), rawHeaders, body);
    }

    /** The values of every field line named {@code name}, in order. */
    List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i + 1 < rawHeaders.size(); i += 2) {
            if (rawHeaders.get(i).equalsIgnoreCase(name)) {
                values.add(rawHeaders.get(i + 1));
            }
        }
        return values;
    }

    List<String> headerNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < rawHeaders.size(); i += 2) {
            names.add(rawHeaders.get(i));
        }
        return names;
    }

    String bodyText() {
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Every name and value the function saw, for "no trace of X anywhere" checks. */
    String everything() {
        return method + " " + url + "\n" + String.join("\n", rawHeaders) + "\n" + bodyText();
    }

    @Override
    public String toString() {
        return method + " " + url + " HTTP/" + httpVersion + " " + rawHeaders + " body="
                + RawHttpClient.printable(body, 200);
    }
}
