package dev.edgefaas.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bearer token the management API requires: made on a node's first start as
 * {@code admin-token} in its data directory, readable by root alone (mode 0600), so that the CLI
 * on the same host finds it and a client elsewhere must be given it.
 */
public final class AdminToken {
    public static final String FILE_NAME = "admin-token";
    private static final int TOKEN_BYTES = 32;

    private AdminToken() {
    }

    /** The token in {@code dataDirectory}, made first if there is none. */
    public static String loadOrCreate(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDirectory);
            byte[] random = new byte[TOKEN_BYTES];
            new SecureRandom().nextBytes(random);
            // Created with its mode, never world-readable for a moment.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
        } catch (FileAlreadyExistsException kept) {
            // Made by an earlier start: keep it, so that clients keep working.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the management token " + file + ": " + e.getMessage(), e);
        }
        return read(file).orElseThrow(() -> new IllegalStateException(file + " is empty: delete it, and the next"
                + " start makes a new token"));
    }

    /** The token in {@code file}, if it exists and can be read. */
    public static Optional<String> read(Path file) {
        try {
            String token = Files.readString(file).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code authorization} (the header's value) carries {@code token}; compared in constant time. */
    static boolean authorizes(String token, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return matches(token, authorization.substring(7));
    }

    /** Whether {@code given} (surrounding blanks aside) is {@code token}; compared in constant time. */
    static boolean matches(String token, String given) {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given.strip().getBytes(StandardCharsets.UTF_8));
    }
}
