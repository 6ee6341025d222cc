package dev.edgefaas.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 of the image code: an artifact's digest over its inputs, added in order. Not thread-safe. */
public final class Sha256 {
    private final MessageDigest digest;

    private Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static Sha256 start() {
        return new Sha256();
    }

    /** Adds {@code text} as UTF-8 and a NUL, so that ("ab", "c") and ("a", "bc") differ. */
    public Sha256 add(String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        return this;
    }

    public Sha256 add(byte[] bytes) {
        digest.update(bytes);
        return this;
    }

    /** Adds a file's content, streamed. */
    public Sha256 addFile(Path file) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return this;
    }

    /** {@code in}, each byte read through it added to this digest: a file copied and digested in one pass. */
    public InputStream reading(InputStream in) {
        return new DigestInputStream(in, digest);
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The digest of one text alone. */
    public static String of(String text) {
        return HexFormat.of().formatHex(start().digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
