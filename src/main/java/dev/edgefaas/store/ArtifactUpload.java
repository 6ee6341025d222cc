package dev.edgefaas.store;

import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.image.ArtifactCache;
import dev.edgefaas.image.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Locale;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An artifact sent to the management API: first streamed to a file of its own with a size
 * limit, its SHA-256 computed on the way, then unpacked (a tar, tar.gz or zip archive becomes a
 * directory; anything else is one file) into a directory the caller stores and removes.
 * Archive entries that would land outside the directory (absolute paths, {@code ..}, links) are
 * refused, not followed.
 */
final class ArtifactUpload {
    /** The body was larger than the limit; nothing of it is kept. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long limitBytes) {
            super("the artifact is larger than this node's upload limit of " + limitBytes / (1024 * 1024)
                    + " MiB: make it smaller, or start serve with a higher --max-upload-mib");
        }
    }

    /** The body is not what its content type says, or holds an entry that escapes its directory. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }

    /** What was received: the unpacked artifact (its file or directory) and the digest of the bytes sent. */
    record Received(Path artifact, String uploadSha256, long bytes) {
    }

    private ArtifactUpload() {
    }

    /**
     * Receives one upload into {@code scratch}.
     *
     * @param contentType {@code application/x-tar}, {@code application/gzip} (a tar.gz), {@code application/zip},
     *                    else a single file
     * @param name        the file or directory name the artifact gets, e.g. {@code function} or {@code hello}
     * @param executable  for a single file: whether it is executable (a binary, a Go function)
     */
    static Received receive(InputStream body, String contentType, String name, boolean executable, long limitBytes,
                            Path scratch) {
        if (!name.matches("[A-Za-z0-9._-]{1,100}") || name.equals(".") || name.equals("..")) {
            throw new Malformed("name: '" + name + "' is not a file name; use letters, digits, '.', '_' and '-'");
        }
        Path raw = scratch.resolve("upload.raw");
        Sha256 sha = Sha256.start();
        long bytes = copyLimited(sha.reading(body), raw, limitBytes);
        String digest = sha.hex();
        Path artifact = scratch.resolve("unpacked").resolve(name);
        try {
            Files.createDirectories(artifact.getParent());
            // The media type before any parameters; split with a limit, as ";;;" would otherwise split into nothing.
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
            switch (type) {
                case "application/x-tar" -> untar(Files.newInputStream(raw), artifact);
                case "application/gzip", "application/x-gzip", "application/tar+gzip" ->
                        untar(new GzipCompressorInputStream(Files.newInputStream(raw)), artifact);
                case "application/zip" -> unzip(raw, artifact);
                default -> {
                    Files.move(raw, artifact);
                    Files.setPosixFilePermissions(artifact, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        } catch (IOException e) {
            throw new Malformed("the body is not a valid " + contentType + " (" + e.getMessage() + "); send a tar, tar.gz"
                    + " or zip of the artifact's directory, or the file itself as application/octet-stream");
        } finally {
            StateDirectory.deleteTree(raw);
        }
        return new Received(artifact, digest, bytes);
    }

    /** Saves {@code body} as it is to {@code file}, within {@code limitBytes}; returns its size. */
    static long save(InputStream body, Path file, long limitBytes) {
        return copyLimited(body, file, limitBytes);
    }

    private static long copyLimited(InputStream in, Path file, long limitBytes) {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (in; OutputStream out = Files.newOutputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                if (total > limitBytes) {
                    throw new TooLarge(limitBytes);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot receive the artifact: " + e.getMessage()
                    + (ArtifactCache.diskFull(e) ? " (the disk is full)" : ""), e);
        }
        return total;
    }

    private static void untar(InputStream raw, Path target) throws IOException {
        Files.createDirectories(target);
        try (ArchiveInputStream<TarArchiveEntry> tar = new TarArchiveInputStream(raw)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw new Malformed("the archive holds a link (" + entry.getName() + "); a function's artifact is plain"
                            + " files and directories");
                }
                extract(tar, entry, target, (entry.getMode() & 0100) != 0);
            }
        }
    }

    private static void unzip(Path raw, Path target) throws IOException {
        Files.createDirectories(target);
        try (ZipFile zip = ZipFile.builder().setPath(raw).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (entry.isUnixSymlink()) {
                    throw new Malformed("the archive holds a link (" + entry.getName() + "); a function's artifact is plain"
                            + " files and directories");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    extract(in, entry, target, (entry.getUnixMode() & 0100) != 0);
                }
            }
        }
    }

    private static void extract(InputStream in, ArchiveEntry entry, Path target, boolean executable) throws IOException {
        Path destination = target.resolve(entry.getName()).normalize();
        if (!destination.startsWith(target) || Path.of(entry.getName()).isAbsolute()) {
            throw new Malformed("the archive's entry " + entry.getName() + " would land outside the artifact's directory");
        }
        if (entry.isDirectory()) {
            Files.createDirectories(destination);
            return;
        }
        Files.createDirectories(destination.getParent());
        Files.copy(in, destination);
        Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
