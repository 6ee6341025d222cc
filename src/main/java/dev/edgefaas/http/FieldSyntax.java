package dev.edgefaas.http;

/**
 * The token and field-line rules of RFC 9110 section 5.6.2 and RFC 9112 section 5
 * (https://www.rfc-editor.org/rfc/rfc9112#section-5). Strings hold bytes as ISO-8859-1 chars.
 */
public final class FieldSyntax {
    /** tchar: {@code !#$%&'*+-.^_`|~}, digits and letters. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private FieldSyntax() {
    }

    static boolean isTchar(char c) {
        return c < 128 && TCHAR[c];
    }

    static boolean isToken(String s) {
        return !s.isEmpty() && tokenEnd(s, 0) == s.length();
    }

    /** The index of the first char at or after {@code from} that is not a tchar. */
    static int tokenEnd(String s, int from) {
        int i = from;
        while (i < s.length() && isTchar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * One {@code field-name ":" OWS field-value OWS} line. Obs-fold, whitespace before the colon,
     * an empty name and control characters in the value are rejected (RFC 9112 section 5.1
     * and 5.2: a server must reject them, or forwarding them would let two parsers disagree).
     * Bytes 0x80-0xFF (obs-text) are kept as they are.
     */
    public static HeaderField parseFieldLine(String line, String section) throws HttpFramingException {
        if (!line.isEmpty() && isWhitespace(line.charAt(0))) {
            throw new HttpFramingException(400, section + " has a line folded onto the previous one (obs-fold,"
                    + " RFC 9112 section 5.2); send each field on one line");
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw new HttpFramingException(400, section + " has a line without a colon: " + printable(line));
        }
        if (colon == 0) {
            throw new HttpFramingException(400, section + " has a field with an empty name: " + printable(line));
        }
        int nameEnd = tokenEnd(line, 0);
        if (nameEnd != colon) {
            throw new HttpFramingException(400, isWhitespace(line.charAt(nameEnd))
                    ? section + " has whitespace between a field name and its colon: " + printable(line)
                    : section + " has a field name that is not a token: " + printable(line));
        }
        int start = colon + 1;
        int end = line.length();
        while (start < end && isWhitespace(line.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new HttpFramingException(400, section + " field '" + line.substring(0, colon)
                        + "' has a control character (0x" + Integer.toHexString(c) + ") in its value");
            }
        }
        return new HeaderField(line.substring(0, colon), line.substring(start, end));
    }

    /** A line for an error message: control and non-ASCII bytes as {@code \xNN}, cut at 200 chars. */
    public static String printable(String line) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < line.length() && out.length() < 200; i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A Content-Length value as {@code 1*DIGIT}: no sign, no list (RFC 9112 section 6.3 item 5),
     * at most 18 digits so it cannot overflow; -1 if it is not one. Requests and answers alike.
     */
    public static long contentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }
}
