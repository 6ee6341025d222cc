package dev.edgefaas.gateway;

/**
 * An invocation path split into the function's name and the path forwarded to the instance:
 * {@code /function/hello-go/a/b} is {@code hello-go} and {@code /a/b}. Raw (still percent-encoded).
 */
record FunctionPath(String function, String forwardedPath) {
    static final String PREFIX = "/function/";

    /** Splits {@code rawPath}, or returns null if it names no function. */
    static FunctionPath parse(String rawPath) {
        return parse(rawPath, PREFIX);
    }

    /** Splits {@code rawPath} below {@code prefix} ({@code /async-function/}), or returns null if it names no function. */
    static FunctionPath parse(String rawPath, String prefix) {
        if (!rawPath.startsWith(prefix)) {
            return null;
        }
        String rest = rawPath.substring(prefix.length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        if (name.isEmpty()) {
            return null;
        }
        return new FunctionPath(name, slash < 0 ? "/" : rest.substring(slash));
    }
}
