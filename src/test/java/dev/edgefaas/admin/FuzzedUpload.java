package dev.edgefaas.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * An upload's query, content type and body for {@link FuzzedAdminRequest}: random bytes, or a
 * small tar, tar.gz or zip, some with an entry that escapes (a {@code ..} path, a link), under a
 * file name that may be no file name.
 *
 * @param query       the request target's query, encoded, with its '?'; may be empty
 * @param contentType the Content-Type to send, or null for none
 * @param faults      what the error must name, one of them; empty where the upload may be kept
 */
record FuzzedUpload(String query, String contentType, byte[] body, List<String> faults, List<String> steps) {
    private static final List<String> VALID_NAMES = List.of("function", "hello", "index.js", "a-b_c.1");
    private static final List<String> BAD_NAMES = List.of("..%2Fx", "../x", "", "a%2Fb", "x".repeat(101), "%00", ".", "..",
            "a%20b", "caf%C3%A9");
    private static final List<String> ESCAPING_ENTRIES = List.of("../evil", "a/../../evil", "link");
    private static final List<String> CONTENT_TYPES = List.of("application/octet-stream", "application/x-tar", "application/gzip",
            "application/zip", "multipart/form-data; boundary=x", "garbage", "APPLICATION/ZIP", "application/x-tar; charset=utf-8",
            "", ";;;", "a/b/c");

    static FuzzedUpload generate(RandomGenerator random) {
        List<String> steps = new ArrayList<>();
        List<String> faults = List.of();
        StringBuilder query = new StringBuilder();
        if (random.nextInt(4) != 0) {
            boolean bad = random.nextInt(4) == 0;
            String name = pick(random, bad ? BAD_NAMES : VALID_NAMES);
            query.append("?name=").append(name);
            steps.add((bad ? "bad " : "") + "name " + name);
            faults = bad ? List.of("name") : faults;
        }
        if (random.nextInt(3) == 0) {
            String executable = pick(random, List.of("true", "false", "maybe", ""));
            query.append(query.isEmpty() ? "?" : "&").append("executable=").append(executable);
        }
        int kind = random.nextInt(10);
        String contentType;
        byte[] body;
        if (kind < 4) {
            contentType = random.nextInt(3) == 0 ? null : pick(random, CONTENT_TYPES);
            body = randomBytes(random, random.nextInt(8) == 0 ? random.nextInt(900_000) : random.nextInt(4096));
            steps.add(body.length + " random bytes as " + contentType);
        } else {
            String format = pick(random, List.of("tar", "tar.gz", "zip"));
            boolean escapes = random.nextInt(3) == 0;
            String entry = escapes ? pick(random, ESCAPING_ENTRIES) : "function";
            contentType = switch (format) {
                case "tar" -> "application/x-tar";
                case "tar.gz" -> "application/gzip";
                default -> "application/zip";
            };
            body = archive(format, entry, random.nextInt(3) == 0);
            steps.add(format + " holding " + entry);
            if (escapes && faults.isEmpty()) {
                faults = List.of(entry);
            }
            if (random.nextInt(6) == 0) {
                body = Arrays.copyOf(body, random.nextInt(body.length));
                steps.add("cut after " + body.length + " bytes");
                faults = faults.contains("name") ? faults : List.of();
            }
        }
        return new FuzzedUpload(query.toString(), contentType, body, faults, List.copyOf(steps));
    }

    /** An archive of one file {@code entry} (a link to /etc/passwd if it is {@code link}), in a directory if {@code nested}. */
    private static byte[] archive(String format, String entry, boolean nested) {
        String path = nested && !entry.contains("..") ? "dir/" + entry : entry;
        byte[] content = "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (format.equals("zip")) {
                try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
                    ZipArchiveEntry file = new ZipArchiveEntry(path);
                    boolean link = entry.equals("link");
                    file.setUnixMode(link ? 0120777 : 0100755);
                    zip.putArchiveEntry(file);
                    zip.write(link ? "/etc/passwd".getBytes(StandardCharsets.UTF_8) : content);
                    zip.closeArchiveEntry();
                }
                return bytes.toByteArray();
            }
            OutputStream out = format.equals("tar.gz") ? new GzipCompressorOutputStream(bytes) : bytes;
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                if (entry.equals("link")) {
                    TarArchiveEntry link = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
                    link.setLinkName("/etc/passwd");
                    tar.putArchiveEntry(link);
                } else {
                    TarArchiveEntry file = new TarArchiveEntry(path);
                    file.setSize(content.length);
                    file.setMode(0100755);
                    tar.putArchiveEntry(file);
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] randomBytes(RandomGenerator random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static <T> T pick(RandomGenerator random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
