package dev.edgefaas.http;

import java.io.IOException;

/**
 * The decoded body of a chunked message, parsed strictly (RFC 9112 section 7.1,
 * https://www.rfc-editor.org/rfc/rfc9112#section-7.1): sizes are hex digits only, chunk
 * extensions are parsed and dropped, the CRLF after each chunk's data is checked before its
 * last bytes are handed on, and trailer fields are checked and dropped. Anything else is an
 * {@link HttpFramingException}: a lenient parser here is how requests get smuggled past one.
 * The underlying stream stays open for the next message.
 */
public final class ChunkedInputStream extends BulkInputStream {
    public static final int MAX_CHUNK_LINE = 8 * 1024;
    public static final int MAX_TRAILER_BYTES = 64 * 1024;
    /** A size past this would overflow a long on the next hex digit. */
    private static final long MAX_SIZE_BEFORE_DIGIT = Long.MAX_VALUE >> 4;

    private final LineReader in;
    private final String sender;
    private long chunkRemaining;
    private boolean finished;

    /** @param sender who writes the body, for messages: "the client", "the instance" */
    public ChunkedInputStream(LineReader in, String sender) {
        this.in = in;
        this.sender = sender;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        if (chunkRemaining == 0) {
            chunkRemaining = nextChunkSize();
            if (chunkRemaining == 0) {
                skipTrailers();
                finished = true;
                return -1;
            }
        }
        int n = in.read(buffer, offset, (int) Math.min(length, chunkRemaining));
        if (n < 0) {
            throw new HttpFramingException(400, sender + " closed the connection inside a chunk");
        }
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            expectCrlfAfterData();
        }
        return n;
    }

    /** {@code chunk-size [ chunk-ext ] CRLF}; the extensions are checked and dropped. */
    private long nextChunkSize() throws IOException {
        String line = in.readHeadLine(MAX_CHUNK_LINE, 400);
        if (line == null) {
            throw new HttpFramingException(400, sender + " closed the connection before the end of a chunked body");
        }
        return chunkSize(line, sender);
    }

    /**
     * The size a chunk-size line (without its CRLF) announces, its extensions checked and
     * dropped. A pure function of the line, so that a non-blocking decoder can apply the same rules.
     */
    public static long chunkSize(String line, String sender) throws HttpFramingException {
        long size = 0;
        int i = 0;
        for (; i < line.length(); i++) {
            int digit = hexValue(line.charAt(i));
            if (digit < 0) {
                break;
            }
            if (size > MAX_SIZE_BEFORE_DIGIT) {
                throw new HttpFramingException(400, sender + " sent a chunk size too large: " + FieldSyntax.printable(line));
            }
            size = size << 4 | digit;
        }
        if (i == 0) {
            throw new HttpFramingException(400, sender + " sent a malformed chunk size (hex digits expected): "
                    + FieldSyntax.printable(line));
        }
        checkExtensions(line, i, sender);
        return size;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )} from {@code from} to the end. */
    private static void checkExtensions(String line, int from, String sender) throws HttpFramingException {
        int i = from;
        while (i < line.length()) {
            i = skipWhitespace(line, i);
            if (i == line.length() || line.charAt(i) != ';') {
                throw malformedExtension(line, sender);
            }
            i = skipWhitespace(line, i + 1);
            int nameEnd = FieldSyntax.tokenEnd(line, i);
            if (nameEnd == i) {
                throw malformedExtension(line, sender);
            }
            i = skipWhitespace(line, nameEnd);
            if (i < line.length() && line.charAt(i) == '=') {
                i = skipWhitespace(line, i + 1);
                int valueEnd = i < line.length() && line.charAt(i) == '"' ? quotedStringEnd(line, i) : FieldSyntax.tokenEnd(line, i);
                if (valueEnd <= i) {
                    throw malformedExtension(line, sender);
                }
                i = valueEnd;
            }
        }
    }

    /** The index after the closing quote of the quoted-string at {@code open}, or -1. */
    private static int quotedStringEnd(String line, int open) {
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i == line.length() || !quotable(line.charAt(i))) {
                    return -1;
                }
            } else if (!quotable(c)) {
                return -1;
            }
        }
        return -1;
    }

    /** qdtext and quoted-pair's second char: HTAB, SP, VCHAR, obs-text. */
    private static boolean quotable(char c) {
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    private static int skipWhitespace(String line, int from) {
        int i = from;
        while (i < line.length() && FieldSyntax.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static HttpFramingException malformedExtension(String line, String sender) {
        return new HttpFramingException(400, sender + " sent a malformed chunk size line: " + FieldSyntax.printable(line));
    }

    private void expectCrlfAfterData() throws IOException {
        int cr = in.read();
        int lf = cr == '\r' ? in.read() : -2;
        if (lf != '\n') {
            throw missingCrlfAfterData(sender);
        }
    }

    public static HttpFramingException missingCrlfAfterData(String sender) {
        return new HttpFramingException(400, sender + " sent chunk data longer than its chunk size, or without the"
                + " CRLF that ends it");
    }

    public static HttpFramingException trailersTooLarge(String sender) {
        return new HttpFramingException(431, sender + " sent a trailer section over " + MAX_TRAILER_BYTES + " bytes");
    }

    private void skipTrailers() throws IOException {
        int bytes = 0;
        for (String line = in.readHeadLine(MAX_CHUNK_LINE, 431); ; line = in.readHeadLine(MAX_CHUNK_LINE, 431)) {
            if (line == null) {
                throw new HttpFramingException(400, sender + " closed the connection inside the trailer section");
            }
            if (line.isEmpty()) {
                return;
            }
            bytes += line.length() + 2;
            if (bytes > MAX_TRAILER_BYTES) {
                throw trailersTooLarge(sender);
            }
            // Trailer fields are checked like header fields and then dropped: none is forwarded.
            FieldSyntax.parseFieldLine(line, "the trailer section");
        }
    }
}
