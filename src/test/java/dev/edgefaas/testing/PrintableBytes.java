package dev.edgefaas.testing;

/** Bytes as a test's failure message can show them: what is not printable ASCII escaped. */
public final class PrintableBytes {
    private PrintableBytes() {
    }

    /** {@code bytes} with CR, LF, tab and every byte outside printable ASCII escaped, at most {@code max} of them. */
    public static String of(byte[] bytes, int max) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> text.append("\\r");
                case '\n' -> text.append("\\n");
                case '\t' -> text.append("\\t");
                case '\\' -> text.append("\\\\");
                default -> text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
            }
        }
        return bytes.length > max ? text + "...(" + bytes.length + " bytes)" : text.toString();
    }
}
