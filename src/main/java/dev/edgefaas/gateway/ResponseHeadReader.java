package dev.edgefaas.gateway;

import dev.edgefaas.http.FieldSyntax;
import dev.edgefaas.http.HeaderField;
import dev.edgefaas.http.LineReader;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an instance's answer head: its status line and fields, interim 1xx answers skipped.
 * The instance is held to the same syntax as clients: its answer is forwarded, so it must have
 * one meaning too. Stateless; one call per answer.
 */
final class ResponseHeadReader {
    private static final int MAX_LINE = 64 * 1024;

    private ResponseHeadReader() {
    }

    /**
     * @param instance who answers, for messages: "instance http://10.0.0.2:8080"
     * @throws EOFException if the stream ended before the head did
     */
    static ResponseHead read(LineReader in, String instance, boolean headRequest) throws IOException {
        while (true) {
            String statusLine = in.readHeadLine(MAX_LINE, 502);
            if (statusLine == null) {
                throw new EOFException(instance + " closed the connection without answering");
            }
            int status = statusCode(statusLine, instance);
            String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
            List<HeaderField> fields = new ArrayList<>();
            for (String line = in.readHeadLine(MAX_LINE, 502); ; line = in.readHeadLine(MAX_LINE, 502)) {
                if (line == null) {
                    throw new EOFException(instance + " closed the connection inside its answer's head");
                }
                if (line.isEmpty()) {
                    break;
                }
                fields.add(FieldSyntax.parseFieldLine(line, instance + "'s answer"));
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue;
            }
            return ResponseHead.of(status, reason, fields, headRequest);
        }
    }

    /** {@code HTTP/1.x NNN [reason]}, with a reason free of control characters. */
    private static int statusCode(String statusLine, String instance) throws IOException {
        boolean wellFormed = statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' '
                && (statusLine.length() == 12 || statusLine.charAt(12) == ' ');
        for (int i = 9; wellFormed && i < 12; i++) {
            wellFormed = Character.isDigit(statusLine.charAt(i));
        }
        for (int i = 13; wellFormed && i < statusLine.length(); i++) {
            char c = statusLine.charAt(i);
            wellFormed = c == '\t' || (c >= 0x20 && c != 0x7f);
        }
        if (!wellFormed) {
            throw new IOException(instance + " answered with no valid HTTP status line: " + FieldSyntax.printable(statusLine));
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }
}
