package dev.edgefaas.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * One HTTP/1.1 request for {@link HttpFramingFuzzTest}: generated well-formed or nearly so
 * (random framing headers, duplicates, obs-fold, bare LF, control characters, chunk sizes,
 * extensions, trailers), then mutated byte by byte, mostly where framing is decided. The same
 * random sequence gives the same bytes.
 *
 * @param steps what was generated and how it was mutated, for the failure message
 */
record FuzzedRequest(byte[] bytes, List<String> steps) {
    private static final String[] METHODS = {"GET", "GET", "POST", "POST", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    /** Bytes that change how a message is framed when they land in the wrong place. */
    private static final char[] FRAMING_BYTES = {'\r', '\n', ' ', '\t', ':', ';', ',', '=', '"', '0', '5', 'f', '-', '+',
            '\u0000', '\u0001', '\u007f', '\u0080', '\u00ff'};
    private static final String[] EXTENSIONS = {";x", ";a=b", ";a=\"q;\\\"x\"", " ; a = b", ";" + "e".repeat(40) + "=1"};

    static FuzzedRequest generate(RandomGenerator random, int port) {
        return new Generator(random).request(port);
    }

    /** Whether the (mutated) request is a HEAD: its answer has no body. */
    boolean isHead() {
        String start = new String(bytes, 0, Math.min(bytes.length, 8), StandardCharsets.ISO_8859_1);
        return start.stripLeading().startsWith("HEAD ");
    }

    private static final class Generator {
        private final RandomGenerator random;
        private final StringBuilder out = new StringBuilder();
        /** Offsets where a mutation is most likely to change framing: line ends, colons, sizes. */
        private final List<Integer> framing = new ArrayList<>();
        /** Framing offsets inside the body, from its first byte: chunk lines, the body's ends. */
        private final List<Integer> bodyFraming = new ArrayList<>();
        private final List<String> steps = new ArrayList<>();
        private int bodyStart;

        Generator(RandomGenerator random) {
            this.random = random;
        }

        FuzzedRequest request(int port) {
            String method = METHODS[random.nextInt(METHODS.length)];
            boolean hasBody = method.startsWith("P") ? random.nextInt(10) < 9 : random.nextInt(10) == 0;
            if (chance(10)) {
                mark("\r\n", "leading CRLF");
            }
            String target = "/function/rec/f" + token(0, 12) + (chance(4) ? "?q=" + token(0, 8) : "");
            if (chance(10)) {
                target = "http://127.0.0.1:" + port + target;
            }
            out.append(method).append(' ').append(target).append(' ').append(chance(10) ? "HTTP/1.0" : "HTTP/1.1");
            lineEnd();
            steps.add(method + " " + target);
            if (!chance(15)) {
                field("Host", "127.0.0.1");
            }
            if (chance(30)) {
                field("Host", "other.example");
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                field("X-Fuzz-" + i, value());
            }
            if (chance(4)) {
                field("Connection", chance(2) ? "close" : "keep-alive, X-Fuzz-1");
            }
            if (chance(20)) {
                field("Expect", "100-continue");
            }
            if (chance(25)) {
                out.append("X-Folded: a");
                lineEnd();
                out.append(chance(2) ? " " : "\t").append("folded");
                lineEnd();
                steps.add("obs-fold");
            }
            String body = hasBody ? body() : "";
            mark(lineEndText(), "end of head");
            bodyStart = out.length();
            out.append(body);
            return mutate();
        }

        /** Adds framing fields and returns the body to append after the head. */
        private String body() {
            String data = token(0, 300);
            if (chance(2)) {
                String length = Integer.toString(data.length());
                switch (random.nextInt(12)) {
                    case 0 -> length = Integer.toString(data.length() + 1 + random.nextInt(20));
                    case 1 -> length = Integer.toString(Math.max(0, data.length() - 1 - random.nextInt(5)));
                    case 2 -> length = length + ", " + length;
                    case 3 -> length = "+" + length;
                    case 4 -> field("Content-Length", length);
                    case 5 -> field("Transfer-Encoding", "chunked");
                    default -> {
                    }
                }
                field("Content-Length", length);
                bodyFraming.add(0);
                bodyFraming.add(data.length());
                steps.add("body of " + data.length() + " bytes");
                return data;
            }
            String coding = switch (random.nextInt(14)) {
                case 0 -> "gzip, chunked";
                case 1 -> "chunked, chunked";
                case 2 -> "Chunked";
                case 3 -> "identity";
                default -> "chunked";
            };
            field("Transfer-Encoding", coding);
            if (chance(15)) {
                field("Transfer-Encoding", "chunked");
            }
            if (chance(15)) {
                field("Content-Length", Integer.toString(data.length()));
            }
            return chunks(data);
        }

        private String chunks(String data) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (at < data.length()) {
                int size = Math.min(data.length() - at, 1 + random.nextInt(100));
                String hex = Integer.toHexString(size);
                body.append(chance(4) ? hex.toUpperCase(Locale.ROOT) : hex);
                body.append(chance(4) ? EXTENSIONS[random.nextInt(EXTENSIONS.length)] : "");
                body.append("\r\n").append(data, at, at + size).append("\r\n");
                at += size;
            }
            body.append(chance(6) ? "000" : "0").append("\r\n");
            if (chance(5)) {
                body.append("X-Trailer: t\r\n");
            }
            body.append("\r\n");
            for (int i = body.indexOf("\r\n"); i >= 0; i = body.indexOf("\r\n", i + 1)) {
                bodyFraming.add(i);
            }
            steps.add("chunked body of " + data.length() + " bytes");
            return body.toString();
        }

        private FuzzedRequest mutate() {
            List<Character> bytes = new ArrayList<>();
            for (char c : out.toString().toCharArray()) {
                bytes.add(c);
            }
            int mutations = switch (random.nextInt(10)) {
                case 0, 1, 2 -> 0;
                case 3, 4, 5 -> 1;
                case 6, 7 -> 2;
                default -> 3 + random.nextInt(3);
            };
            for (int m = 0; m < mutations && !bytes.isEmpty(); m++) {
                int at = position(bytes.size());
                char b = FRAMING_BYTES[random.nextInt(FRAMING_BYTES.length)];
                switch (random.nextInt(4)) {
                    case 0 -> {
                        bytes.add(at, b);
                        steps.add("insert " + escape(b) + " at " + at);
                    }
                    case 1 -> {
                        int n = Math.min(1 + random.nextInt(3), bytes.size() - at);
                        bytes.subList(at, at + n).clear();
                        steps.add("delete " + n + " at " + at);
                    }
                    case 2 -> {
                        bytes.set(Math.min(at, bytes.size() - 1), b);
                        steps.add("replace with " + escape(b) + " at " + at);
                    }
                    default -> {
                        int n = Math.min(1 + random.nextInt(20), bytes.size() - at);
                        bytes.addAll(at + n, new ArrayList<>(bytes.subList(at, at + n)));
                        steps.add("duplicate " + n + " at " + at);
                    }
                }
            }
            byte[] raw = new byte[bytes.size()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) bytes.get(i).charValue();
            }
            return new FuzzedRequest(raw, List.copyOf(steps));
        }

        /** Mostly next to a framing offset, those in the body most of all; else anywhere. */
        private int position(int size) {
            int draw = random.nextInt(20);
            List<Integer> near = draw < 9 && !bodyFraming.isEmpty() ? bodyFraming : draw < 14 ? framing : List.of();
            if (near.isEmpty()) {
                return random.nextInt(size);
            }
            int offset = near.get(random.nextInt(near.size())) + (near == bodyFraming ? bodyStart : 0);
            return Math.clamp(offset + random.nextInt(5) - 2, 0, size - 1);
        }

        private void field(String name, String value) {
            out.append(name);
            framing.add(out.length());
            out.append(": ").append(value);
            lineEnd();
            steps.add(name + ": " + RawHttpClient.printable(RawHttpClient.bytes(value), 40));
        }

        /** A field value: mostly tokens, sometimes obs-text, trailing space or a control character. */
        private String value() {
            return switch (random.nextInt(40)) {
                case 0, 1, 2 -> "caf\u00e9";
                case 3, 4 -> token(1, 5) + "  ";
                case 5 -> "a\u0001b";
                case 6 -> "a\rb";
                default -> token(1, 20);
            };
        }

        /** CRLF, or once in a while a bare LF. */
        private void lineEnd() {
            framing.add(out.length());
            out.append(lineEndText());
        }

        private String lineEndText() {
            return chance(80) ? "\n" : "\r\n";
        }

        private void mark(String text, String step) {
            framing.add(out.length());
            out.append(text);
            steps.add(step);
        }

        private String token(int min, int max) {
            StringBuilder token = new StringBuilder();
            for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
                token.append((char) ('a' + random.nextInt(26)));
            }
            return token.toString();
        }

        private boolean chance(int oneIn) {
            return random.nextInt(oneIn) == 0;
        }

        private static String escape(char b) {
            return RawHttpClient.printable(new byte[] {(byte) b}, 1);
        }
    }
}
