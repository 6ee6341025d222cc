package dev.edgefaas.bench.report;

import java.util.Locale;

/** How numbers and text appear in the report, identical in Markdown and HTML. */
final class Formats {

    private Formats() {
    }

    /**
     * A measured value with precision that suits its magnitude: thousands grouped without
     * decimals, two decimals from 1 to 100, three significant digits below 1.
     */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return "0";
        } else if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        } else if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        } else if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    /** Ours over the paper's, e.g. {@code 1.23}. */
    static String ratio(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "";
    }

    static String html(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** A Markdown table cell: pipes escaped, line breaks flattened. */
    static String markdownCell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ');
    }
}
