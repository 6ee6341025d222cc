package dev.edgefaas.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** A local artifact directory as the tar.gz the management API takes: regular files and directories, modes kept. */
final class ArtifactPacker {
    private ArtifactPacker() {
    }

    /** Writes {@code directory}'s tree (links followed) as a tar.gz to {@code archive}. */
    static void tarGz(Path directory, Path archive) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(directory, FileVisitOption.FOLLOW_LINKS)) {
            entries = walk.filter(path -> !path.equals(directory)).sorted().toList();
        }
        try (OutputStream file = Files.newOutputStream(archive);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path entry : entries) {
                String name = directory.relativize(entry).toString().replace('\\', '/');
                boolean isDirectory = Files.isDirectory(entry);
                TarArchiveEntry header = new TarArchiveEntry(isDirectory ? name + "/" : name);
                header.setMode(isDirectory || Files.isExecutable(entry) ? 0755 : 0644);
                if (!isDirectory) {
                    header.setSize(Files.size(entry));
                }
                tar.putArchiveEntry(header);
                if (!isDirectory) {
                    Files.copy(entry, tar);
                }
                tar.closeArchiveEntry();
            }
        }
    }
}
