package dev.edgefaas.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest values {@link FuzzedManifest} draws from, as JSON text: those hello-go deploys
 * with, and for each key those that the parser must refuse naming that key. Maps keep their
 * order, so that a seed draws the same values in every JVM.
 */
final class ManifestValues {
    private static final List<String> NOT_A_STRING = List.of("5", "true", "[]", "{}", "null", "1.5", "[\"go\"]",
            "{\"a\": \"b\"}");
    private static final List<String> NOT_A_WHOLE_NUMBER = List.of("\"5\"", "true", "[]", "{}", "null", "1.5", "1e3", "\"\"");
    private static final List<String> NOT_A_DURATION = List.of("true", "[]", "{}", "null", "[\"30s\"]");
    private static final List<String> NOT_STRINGS = List.of("\"/bin/sh\"", "5", "{}", "null", "[5]", "[null]", "[[]]");

    /** Values that deploy: none of them starts more than one instance or needs more than the process sandbox. */
    static final Map<String, List<String>> VALID = ordered(
            "sandbox", List.of("\"process\""),
            "keepalive", List.of("\"30s\"", "\"500ms\"", "5", "0", "\"1m\"", "\"8760h\"", "31536000"),
            "concurrency", List.of("1", "8", "64", "100000"),
            "single-use", List.of("false"),
            "min-instances", List.of("0", "0", "0", "1"),
            "max-instances", List.of("1", "3", "10", "10000"),
            "memory-mib", List.of("16", "64", "512"),
            "vcpus", List.of("0.01", "0.5", "1", "2"),
            "env", List.of("{}", "{\"GREETING\": \"hi\"}", "{\"A\": 5}", "{\"_X1\": \"\\u00e9\\ud83d\\ude00\"}"),
            "ready-timeout", List.of("\"10s\"", "25", "0.1"),
            "queue-timeout", List.of("\"5s\"", "0"),
            "network", List.of("\"isolated\"", "\"host\""),
            "args", List.of("[]", "[\"--verbose\", \"{port}\"]"),
            "readiness", List.of("\"callback\""),
            "snapshot", List.of("\"auto\"", "\"off\""));

    static final Map<String, List<String>> WRONG_TYPES = ordered(
            "runtime", NOT_A_STRING, "artifact", NOT_A_STRING, "sandbox", NOT_A_STRING, "network", NOT_A_STRING,
            "snapshot", NOT_A_STRING, "readiness", NOT_A_STRING, "workdir", NOT_A_STRING, "user", NOT_A_STRING,
            "name", NOT_A_STRING,
            "concurrency", NOT_A_WHOLE_NUMBER, "min-instances", NOT_A_WHOLE_NUMBER, "max-instances", NOT_A_WHOLE_NUMBER,
            "memory-mib", NOT_A_WHOLE_NUMBER, "port", NOT_A_WHOLE_NUMBER,
            "single-use", List.of("\"true\"", "1", "0", "null", "[]", "\"yes\""),
            "keepalive", NOT_A_DURATION, "ready-timeout", NOT_A_DURATION, "queue-timeout", NOT_A_DURATION,
            "vcpus", List.of("\"1\"", "true", "[]", "null", "{}"),
            "env", List.of("\"GREETING=hi\"", "[]", "5", "true", "null", "{\"A\": {}}", "{\"A\": null}", "{\"A\": [\"x\"]}"),
            "command", NOT_STRINGS, "args", NOT_STRINGS);

    /**
     * Numbers outside each key's range, among them some beyond 64 bits that wrap around to one
     * inside, and durations beyond what nanoseconds can count.
     */
    static final Map<String, List<String>> OUT_OF_RANGE = ordered(
            "concurrency", List.of("0", "-1", "100001", "2147483648", "9223372036854775808", "18446744073709551617",
                    "-18446744073709551615"),
            "min-instances", List.of("-1", "10001", "4294967296", "18446744073709551616", "-9223372036854775809"),
            "max-instances", List.of("0", "-5", "10001", "18446744073709551617"),
            "memory-mib", List.of("15", "0", "-1", "99999999999", "18446744073709551680"),
            "port", List.of("0", "65536", "-1", "18446744073709551696"),
            "vcpus", List.of("0", "0.001", "-1", "1000", "-0.0"),
            "keepalive", List.of("-1", "\"-5s\"", "-0.5", "\"8761h\"", "31536001", "\"99999999999h\"", "1e300"),
            "ready-timeout", List.of("0", "0.05", "\"99ms\"", "-1", "1e300"),
            "queue-timeout", List.of("-1", "\"-1ms\"", "1e300", "\"99999999999h\""));

    static final Map<String, List<String>> BAD_VALUES = ordered(
            "runtime", List.of("\"cobol\"", "\"GO\"", "\" go\"", "\"go \"", "\"\"", "\"go\\u0000\"", "\"g\u00f6\""),
            "sandbox", List.of("\"vmware\"", "\"\"", "\"PROCESS\"", "\"process \"", "\"../process\"", "\"process\\u0000\"",
                    "\"\u00f1\""),
            "network", List.of("\"bridge\"", "\"\"", "\"HOST\"", "\"none\""),
            "snapshot", List.of("\"on\"", "\"\"", "\"AUTO\"", "\"always\""),
            "readiness", List.of("\"ping\"", "\"\"", "\"http:\"", "\"http:healthz\"", "\"http:/a b\"", "\"TCP\""),
            "keepalive", List.of("\"abc\"", "\"1d\"", "\"\"", "\"5 s\"", "\"1.s\"", "\"\u0663s\"", "\"1e3s\""),
            "ready-timeout", List.of("\"soon\"", "\"10 seconds\""),
            "artifact", List.of("\"\"", "\"/nonexistent/fn\"", "\"relative/missing\"", "\"sha256:" + "0".repeat(64) + "\"",
                    "\"sha256:\"", "\"sha256:../../etc\"", "\"/dev/null\"", "\"/etc\"", "\"a\\u0000b\"", "\"/etc/passwd\""),
            "env", List.of("{\"PORT\": \"1\"}", "{\"EDGEFAAS_X\": \"1\"}", "{\"1A\": \"x\"}", "{\"A-B\": \"x\"}",
                    "{\"\": \"x\"}", "{\"A\": \"a\\u0000b\"}", "{\"\u00e9\": \"x\"}"),
            "command", List.of("[\"\"]", "[\" \"]", "[\"a\\nb\"]"),
            "args", List.of("[\"a\\nb\"]", "[\"a\\u0000\"]", "[\"x\\r\"]"),
            "workdir", List.of("\"relative\"", "\"./x\""),
            "user", List.of("\"root\"", "\"-1\"", "\"1:\"", "\"99999999999\""),
            "name", List.of("\"other\"", "\"\"", "\"FUZZ\""));

    static final List<String> UNKNOWN_KEYS = List.of("memroy-mib", "", "Runtime", "max_instances", "x".repeat(300),
            "m\u00e9moire", "\u0000", "timeout", "\ud83d\ude00", "runtime ");

    /** Images no registry is asked for: not uploaded, or no reference at all. */
    static final List<String> BAD_IMAGES = List.of("\"sha256:" + "0".repeat(64) + "\"", "\"sha256:nothex\"", "\"NOT A REF\"",
            "\"\"", "{}", "[]", "\"UPPER/Case\"", "\"a b\"");

    private ManifestValues() {
    }

    /** {@code text} as a JSON string, quotes included. */
    static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> ordered(Object... keysAndValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (List<String>) keysAndValues[i + 1]);
        }
        return map;
    }
}
