package dev.edgefaas.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One line an instance printed, as a function's log keeps it: {@code <time> <instance> <text>},
 * the time in UTC to the millisecond (ISO-8601), so that the file sorts, greps and reads as is.
 *
 * @param text the line without its end, carriage returns and other control characters but tabs replaced
 */
public record LogLine(Instant time, String instance, String text) {
    /** Longer lines are cut here, said by a trailing marker: a function printing megabytes in one line keeps the log usable. */
    static final int MAX_TEXT_CHARS = 16 * 1024;
    private static final String CUT = " [cut]";
    /** Fixed width, so that the columns line up: {@code 2026-12-01T18:00:00.120Z}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    public LogLine {
        text = clean(text);
    }

    /** The line as the log file holds it, without the newline. */
    public String format() {
        return TIME.format(time) + " " + instance + " " + text;
    }

    /** A line of a log file, or empty if it is not one (a file torn by a crash mid-line). */
    static Optional<LogLine> parse(String line) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LogLine(Instant.parse(line.substring(0, first)), line.substring(first + 1, second),
                    line.substring(second + 1)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String clean(String text) {
        StringBuilder cleaned = new StringBuilder(Math.min(text.length(), MAX_TEXT_CHARS + CUT.length()));
        for (int i = 0; i < text.length(); i++) {
            if (cleaned.length() == MAX_TEXT_CHARS) {
                return cleaned.append(CUT).toString();
            }
            char c = text.charAt(i);
            // A terminal escape or a stray newline from the function must not forge lines of the log.
            cleaned.append(c == '\t' || !Character.isISOControl(c) ? c : ' ');
        }
        return cleaned.toString();
    }
}
