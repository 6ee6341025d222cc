package dev.edgefaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An uploaded directory in each archive format the management API takes: the same files
 * (an executable, a file in a subdirectory) come out, with the upload's digest; an entry that
 * would land outside, or a link, is refused.
 */
class ArtifactUploadTest {
    private static final byte[] PROGRAM = "#!/bin/sh\necho hi\n".getBytes();
    private static final byte[] README = "a file beside the program\n".getBytes();

    @TempDir
    Path scratch;

    @ParameterizedTest
    @ValueSource(strings = {"application/x-tar", "application/gzip", "application/zip"})
    void aDirectoryArrivesWholeWithItsExecutableBitAndTheDigestOfTheBytesSent(String contentType) throws Exception {
        byte[] archive = archive(contentType, "app/run", "app/static/readme.txt");

        ArtifactUpload.Received received = ArtifactUpload.receive(new ByteArrayInputStream(archive), contentType, "hello",
                false, Long.MAX_VALUE, scratch);

        assertThat(received.artifact().resolve("app/run")).hasBinaryContent(PROGRAM);
        assertThat(received.artifact().resolve("app/static/readme.txt")).hasBinaryContent(README);
        assertThat(Files.isExecutable(received.artifact().resolve("app/run"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                received.artifact().resolve("app/static/readme.txt")))).isEqualTo("rw-r--r--");
        assertThat(received.bytes()).isEqualTo(archive.length);
        assertThat(received.uploadSha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(archive)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-tar", "application/zip"})
    void anEntryThatWouldLandOutsideTheDirectoryIsRefused(String contentType) throws Exception {
        byte[] archive = archive(contentType, "app/run", "../../escaped.txt");

        assertThatThrownBy(() -> ArtifactUpload.receive(new ByteArrayInputStream(archive), contentType, "hello", false,
                Long.MAX_VALUE, scratch)).hasMessageContaining("../../escaped.txt would land outside");
        assertThat(scratch.getParent().resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void aZipWithASymbolicLinkIsRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            ZipArchiveEntry link = new ZipArchiveEntry("app/passwd");
            link.setUnixMode(0120777);
            zip.putArchiveEntry(link);
            zip.write("/etc/passwd".getBytes());
            zip.closeArchiveEntry();
        }

        assertThatThrownBy(() -> ArtifactUpload.receive(new ByteArrayInputStream(bytes.toByteArray()), "application/zip",
                "hello", false, Long.MAX_VALUE, scratch)).hasMessageContaining("holds a link (app/passwd)");
    }

    @Test
    void aBodyThatIsNotTheArchiveItClaimsToBeIsRefusedNamingTheFormats() {
        assertThatThrownBy(() -> ArtifactUpload.receive(new ByteArrayInputStream("not a zip".getBytes()), "application/zip",
                "hello", false, Long.MAX_VALUE, scratch)).hasMessageContaining("is not a valid application/zip")
                .hasMessageContaining("tar, tar.gz or zip");
    }

    /** An archive of {@code names}: the first is the program (mode 0755), the others the readme (0644). */
    private static byte[] archive(String contentType, String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream sink = contentType.equals("application/gzip") ? new GZIPOutputStream(bytes) : bytes;
        try (ArchiveOutputStream<? extends ArchiveEntry> archive = contentType.equals("application/zip")
                ? new ZipArchiveOutputStream(sink) : new TarArchiveOutputStream(sink)) {
            for (int i = 0; i < names.length; i++) {
                byte[] content = i == 0 ? PROGRAM : README;
                int mode = i == 0 ? 0100755 : 0100644;
                if (archive instanceof ZipArchiveOutputStream zip) {
                    ZipArchiveEntry entry = new ZipArchiveEntry(names[i]);
                    entry.setUnixMode(mode);
                    zip.putArchiveEntry(entry);
                } else {
                    TarArchiveEntry entry = new TarArchiveEntry(names[i]);
                    entry.setMode(mode);
                    entry.setSize(content.length);
                    ((TarArchiveOutputStream) archive).putArchiveEntry(entry);
                }
                archive.write(content);
                archive.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
