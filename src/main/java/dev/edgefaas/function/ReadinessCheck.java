package dev.edgefaas.function;

/**
 * How the platform knows a starting instance is ready to serve.
 *
 * @param kind how it is checked
 * @param path for {@link Kind#HTTP}: the path that must answer 2xx, e.g. {@code /healthz}; else empty
 */
public record ReadinessCheck(Kind kind, String path) {
    /** Today's contract: the instance GETs {@code $EDGEFAAS_CALLBACK_URL} once it listens. */
    public static final ReadinessCheck CALLBACK = new ReadinessCheck(Kind.CALLBACK, "");
    /** The instance's port accepts a connection. */
    public static final ReadinessCheck TCP = new ReadinessCheck(Kind.TCP, "");

    public enum Kind { CALLBACK, TCP, HTTP }

    public ReadinessCheck {
        if ((kind == Kind.HTTP) != !path.isEmpty()) {
            throw new IllegalArgumentException("an HTTP check has a path, the others none");
        }
    }

    /**
     * Parses the manifest's {@code readiness}: {@code callback}, {@code tcp} or {@code http:/path}.
     *
     * @throws ManifestException naming the field and the accepted forms
     */
    public static ReadinessCheck parse(String value) {
        if (value.equals("callback")) {
            return CALLBACK;
        }
        if (value.equals("tcp")) {
            return TCP;
        }
        if (value.startsWith("http:")) {
            String path = value.substring("http:".length());
            if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new ManifestException("readiness", "'" + value + "' needs a path that starts with '/' and has no"
                        + " spaces or control characters, e.g. http:/healthz");
            }
            return new ReadinessCheck(Kind.HTTP, path);
        }
        throw new ManifestException("readiness", "'" + value + "' is not a readiness check; use callback (the instance"
                + " GETs $EDGEFAAS_CALLBACK_URL), tcp (its port accepts) or http:/path (the path answers 2xx)");
    }

    /** As the manifest writes it. */
    public String key() {
        return switch (kind) {
            case CALLBACK -> "callback";
            case TCP -> "tcp";
            case HTTP -> "http:" + path;
        };
    }

    /** What a start that timed out waiting for this check is told, e.g. {@code " (GET /healthz never answered 2xx)"}. */
    public String timeoutHint() {
        return switch (kind) {
            case CALLBACK -> " (it must listen on $PORT, then GET $EDGEFAAS_CALLBACK_URL; an app that does not can"
                    + " use \"readiness\": \"tcp\" or \"http:/path\")";
            case TCP -> " (its port never accepted a connection)";
            case HTTP -> " (GET " + path + " never answered 2xx)";
        };
    }
}
