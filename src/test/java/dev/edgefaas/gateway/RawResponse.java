package dev.edgefaas.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One response as {@link RawHttpClient} read it off the wire: fields in their order, names as
 * sent, looked up case-insensitively; the body already de-chunked.
 */
record RawResponse(String version, int status, String reason, List<Map.Entry<String, String>> fields, byte[] body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    RawResponse {
        fields = List.copyOf(fields);
    }

    /** Every value of field {@code name}, one per field line. */
    List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase(name)) {
                values.add(field.getValue());
            }
        }
        return values;
    }

    Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** The comma-separated tokens of every {@code name} field line, lower case. */
    List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers(name)) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    boolean saysConnectionClose() {
        return tokens("Connection").contains("close");
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the body of a " + status + " response is not JSON: " + bodyText(), e);
        }
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason + " " + fields + " body=" + RawHttpClient.printable(body, 300);
    }
}
