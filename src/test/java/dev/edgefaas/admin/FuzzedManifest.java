package dev.edgefaas.admin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A deploy's body for {@link ManagementApiFuzzTest}: a manifest that would deploy hello-go, with
 * at most one fault put in (a wrong type, a number out of range or beyond 64 bits, an unknown
 * key or value, a missing key, JSON nested too deep, cut short, followed by more, or not UTF-8);
 * duplicated keys, padding and big values leave it valid. The same random sequence gives the
 * same bytes.
 *
 * @param faults what the error must name, one of them: the key put wrong, or {@code manifest} for
 *               the body as a whole; empty for a manifest that may deploy
 * @param steps  what was generated, for the failure message
 */
record FuzzedManifest(byte[] bytes, List<String> faults, List<String> steps) {
    static final int MAX_BYTES = 1024 * 1024;
    /** Where a string value holds this, the body gets bytes that are no UTF-8 instead. */
    private static final String NOT_UTF8_MARK = "\ue000";
    private static final byte[][] NOT_UTF8 = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};

    boolean mayDeploy() {
        return faults.isEmpty();
    }

    /**
     * @param name      what it is deployed as, for a {@code name} key that agrees
     * @param artifacts JSON strings naming hello-go's artifact, each valid
     */
    static FuzzedManifest generate(RandomGenerator random, String name, List<String> artifacts) {
        return new Generator(random).manifest(name, artifacts);
    }

    private static final class Generator {
        private final RandomGenerator random;
        private final List<Map.Entry<String, String>> members = new ArrayList<>();
        private final List<String> steps = new ArrayList<>();
        private List<String> faults = List.of();

        Generator(RandomGenerator random) {
            this.random = random;
        }

        FuzzedManifest manifest(String name, List<String> artifacts) {
            member("runtime", "\"go\"");
            member("artifact", pick(artifacts));
            for (Map.Entry<String, List<String>> optional : ManifestValues.VALID.entrySet()) {
                if (chance(4)) {
                    member(optional.getKey(), pick(optional.getValue()));
                }
            }
            if (chance(8)) {
                member("name", "\"" + name + "\"");
            }
            String padding = "";
            String trailing = "";
            int draw = random.nextInt(100);
            if (draw < 15) {
                steps.add("valid");
            } else if (draw < 30) {
                wrongType();
            } else if (draw < 42) {
                outOfRange();
            } else if (draw < 54) {
                badValue();
            } else if (draw < 60) {
                String key = pick(ManifestValues.UNKNOWN_KEYS);
                member(key, "1");
                fault("unknown key", key);
            } else if (draw < 64) {
                String key = chance(2) ? "runtime" : "artifact";
                members.removeIf(member -> member.getKey().equals(key));
                fault("without", key);
            } else if (draw < 68) {
                image();
            } else if (draw < 72) {
                Map.Entry<String, String> copy = members.get(random.nextInt(members.size()));
                member(copy.getKey(), copy.getValue());
                steps.add("duplicate " + copy.getKey());
            } else if (draw < 77) {
                nested();
            } else if (draw < 81) {
                member("env", "{\"GREETING\": \"h" + NOT_UTF8_MARK + "i\"}");
                fault("bytes that are no UTF-8 in env", "manifest");
            } else if (draw < 85) {
                trailing = pick(List.of(" x", "}", ",", "{\"runtime\": \"go\"}", " null", "]"));
                fault("trailing " + trailing, "manifest");
            } else if (draw < 90) {
                padding = " ".repeat(random.nextInt(MAX_BYTES + 200));
                steps.add("padded with " + padding.length() + " spaces");
            } else if (draw < 93) {
                member("env", "{\"BIG\": \"" + "b".repeat(random.nextInt(MAX_BYTES / 2)) + "\"}");
                steps.add("a big env value");
            } else {
                return notAnObject();
            }
            byte[] bytes = withoutUtf8(text(padding) + trailing);
            if (draw >= 85 && draw < 90 && bytes.length > MAX_BYTES) {
                fault("larger than the limit", "manifest");
            }
            if (trailing.isEmpty() && random.nextInt(25) == 0) {
                int cut = random.nextInt(bytes.length - 1);
                bytes = Arrays.copyOf(bytes, cut);
                fault("cut after " + cut + " bytes", "manifest");
            }
            return new FuzzedManifest(bytes, faults, List.copyOf(steps));
        }

        private void wrongType() {
            String key = pick(List.copyOf(ManifestValues.WRONG_TYPES.keySet()));
            put(key, pick(ManifestValues.WRONG_TYPES.get(key)));
            fault("wrong type for", key);
        }

        private void outOfRange() {
            String key = pick(List.copyOf(ManifestValues.OUT_OF_RANGE.keySet()));
            put(key, pick(ManifestValues.OUT_OF_RANGE.get(key)));
            fault("out of range", key);
        }

        private void badValue() {
            String key = pick(List.copyOf(ManifestValues.BAD_VALUES.keySet()));
            put(key, pick(ManifestValues.BAD_VALUES.get(key)));
            fault("bad value for", key);
        }

        /** An image instead of the artifact, none that would be pulled from a registry. */
        private void image() {
            members.removeIf(member -> member.getKey().equals("runtime") || member.getKey().equals("artifact"));
            member("image", pick(ManifestValues.BAD_IMAGES));
            fault("image", "image");
        }

        /** Arrays nested at a key: whatever the depth, that key is wrong, or the JSON too deep to read. */
        private void nested() {
            String key = pick(List.of("env", "args", "command", "vcpus", "nest"));
            int depth = pick(List.of(2, 64, 999, 1001, 5_000, 100_000));
            put(key, "[".repeat(depth) + "]".repeat(depth));
            steps.add("arrays " + depth + " deep at " + key);
            faults = List.of(key, "manifest");
        }

        private FuzzedManifest notAnObject() {
            String body = pick(List.of("", " ", "[]", "null", "\"go\"", "5", "[{\"runtime\": \"go\"}]", "{"));
            steps.add("not an object: '" + body + "'");
            return new FuzzedManifest(body.getBytes(StandardCharsets.ISO_8859_1), List.of("manifest"), List.copyOf(steps));
        }

        private void member(String key, String value) {
            members.add(Map.entry(key, value));
        }

        /** Sets {@code key}, replacing a value it has. */
        private void put(String key, String value) {
            members.removeIf(member -> member.getKey().equals(key));
            member(key, value);
        }

        private void fault(String step, String key) {
            steps.add(step + " " + key + ": " + members.stream().filter(m -> m.getKey().equals(key))
                    .map(m -> m.getValue().length() > 80 ? m.getValue().substring(0, 80) + "..." : m.getValue())
                    .findFirst().orElse(""));
            faults = List.of(key);
        }

        private String text(String padding) {
            StringBuilder text = new StringBuilder("{");
            for (int i = 0; i < members.size(); i++) {
                Map.Entry<String, String> member = members.get(i);
                text.append(i == 0 ? "" : ",").append(i == 0 ? padding : chance(3) ? "\n  " : " ")
                        .append(ManifestValues.quoted(member.getKey())).append(": ").append(member.getValue());
            }
            return text.append("}").toString();
        }

        /** UTF-8, but with every {@link #NOT_UTF8_MARK} replaced by bytes that no UTF-8 text holds. */
        private byte[] withoutUtf8(String text) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            String[] parts = text.split(NOT_UTF8_MARK, -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    byte[] invalid = NOT_UTF8[random.nextInt(NOT_UTF8.length)];
                    bytes.writeBytes(invalid);
                    steps.add("no UTF-8: " + FuzzedAdminRequest.printable(invalid, 8));
                }
                bytes.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toByteArray();
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private boolean chance(int oneIn) {
            return random.nextInt(oneIn) == 0;
        }
    }
}
