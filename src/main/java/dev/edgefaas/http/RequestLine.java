package dev.edgefaas.http;

import java.util.Locale;

/**
 * {@code method SP request-target SP HTTP-version} (RFC 9112 section 3), single spaces, no
 * tabs. Targets in origin form are kept as sent; absolute-form targets (section 3.2.2) are
 * reduced to their path and query, their authority kept as the effective host.
 *
 * @param authority the authority of an absolute-form target, else null
 */
record RequestLine(String method, String target, boolean http10, String authority) {

    static RequestLine parse(String line) throws HttpFramingException {
        int firstSpace = line.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
        if (firstSpace <= 0 || secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0) {
            throw new HttpFramingException(400, "the request line is not 'METHOD TARGET HTTP/1.1' with single spaces: "
                    + FieldSyntax.printable(line));
        }
        String method = line.substring(0, firstSpace);
        if (!FieldSyntax.isToken(method)) {
            throw new HttpFramingException(400, "the method is not a token: " + FieldSyntax.printable(method));
        }
        boolean http10 = parseVersion(line.substring(secondSpace + 1));
        String target = line.substring(firstSpace + 1, secondSpace);
        checkTargetBytes(target);
        if (target.charAt(0) == '/') {
            return new RequestLine(method, target, http10, null);
        }
        if (target.equals("*") && method.equals("OPTIONS")) {
            return new RequestLine(method, target, http10, null);
        }
        String lower = target.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            throw new HttpFramingException(400, "the request target must be a path (/function/...) or an absolute"
                    + " http URI: " + FieldSyntax.printable(target));
        }
        int pathStart = schemeEnd;
        while (pathStart < target.length() && target.charAt(pathStart) != '/' && target.charAt(pathStart) != '?') {
            pathStart++;
        }
        String authority = target.substring(schemeEnd, pathStart);
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !RequestHeadReader.validHost(authority)) {
            throw new HttpFramingException(400, "the request target's authority is not a host[:port]: "
                    + FieldSyntax.printable(authority));
        }
        String rest = target.substring(pathStart);
        String originForm = rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
        return new RequestLine(method, originForm, http10, authority);
    }

    /** True for HTTP/1.0; HTTP/1.1 and later 1.x minors are served as HTTP/1.1 (RFC 9110 section 2.5). */
    private static boolean parseVersion(String version) throws HttpFramingException {
        if (version.length() != 8 || !version.startsWith("HTTP/") || version.charAt(6) != '.'
                || !isDigit(version.charAt(5)) || !isDigit(version.charAt(7))) {
            throw new HttpFramingException(400, "the request line does not end in an HTTP version such as HTTP/1.1: "
                    + FieldSyntax.printable(version));
        }
        if (version.charAt(5) != '1') {
            throw new HttpFramingException(505, "this gateway speaks HTTP/1.1 here, not " + version);
        }
        return version.charAt(7) == '0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Visible ASCII only: a raw byte outside it has no single meaning; it must be percent-encoded. */
    private static void checkTargetBytes(String target) throws HttpFramingException {
        if (target.isEmpty()) {
            throw new HttpFramingException(400, "the request target is empty");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpFramingException(400, "the request target has a byte 0x" + Integer.toHexString(c)
                        + " at position " + i + "; percent-encode it");
            }
            if (c == '#') {
                throw new HttpFramingException(400, "the request target has a fragment ('#'), which clients must not send");
            }
        }
    }
}
