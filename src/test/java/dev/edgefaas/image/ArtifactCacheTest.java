package dev.edgefaas.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCacheTest {
    private static final String DIGEST = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path directory;

    @Test
    void anArtifactIsBuiltOnceAndFoundByItsNameAndDigest() {
        ArtifactCache cache = new ArtifactCache(directory, "test image");
        AtomicInteger builds = new AtomicInteger();

        Path first = cache.getOrBuild("f", DIGEST, "disk.img", staging -> {
            builds.incrementAndGet();
            Files.writeString(staging.resolve("disk.img"), "bytes");
        });
        Path second = cache.getOrBuild("f", DIGEST, "disk.img", staging -> builds.incrementAndGet());

        assertThat(first).isEqualTo(second).isEqualTo(directory.resolve("f-0123456789abcdef"));
        assertThat(first.resolve("disk.img")).hasContent("bytes");
        assertThat(builds).hasValue(1);
    }

    @Test
    void anArtifactNoBuildUsedForLongIsCollectedAndOneInUseStays() throws IOException {
        ArtifactCache cache = new ArtifactCache(directory.resolve("rootfs"), "test image");
        Path old = cache.getOrBuild("old", DIGEST, "disk.img", staging -> Files.writeString(staging.resolve("disk.img"), "a"));
        Path used = cache.getOrBuild("used", DIGEST, "disk.img", staging -> Files.writeString(staging.resolve("disk.img"), "b"));
        FileTime monthAgo = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
        Files.setLastModifiedTime(old, monthAgo);
        Files.setLastModifiedTime(used, monthAgo);
        cache.getOrBuild("used", DIGEST, "disk.img", staging -> {
            throw new AssertionError("built already");
        });

        List<String> removed = ArtifactCache.collectUnused(directory, List.of("rootfs", "guest"), Duration.ofDays(14));

        assertThat(removed).containsExactly("rootfs/old-0123456789abcdef");
        assertThat(old).doesNotExist();
        assertThat(used.resolve("disk.img")).hasContent("b");
    }

    @Test
    void aFailedBuildLeavesNoStagingDirectoryAndSaysWhatFailedWhere() throws IOException {
        ArtifactCache cache = new ArtifactCache(directory, "test image");

        assertThatThrownBy(() -> cache.getOrBuild("f", DIGEST, "disk.img", staging -> {
            Files.writeString(staging.resolve("half"), "written");
            throw new IOException("mkfs failed: bad superblock");
        })).isInstanceOf(SandboxException.class)
                .hasMessageContaining("test image of f in " + directory)
                .hasMessageContaining("mkfs failed: bad superblock");

        assertThat(entries()).isEmpty();
    }

    @Test
    void aFullDiskIsNamedAsSuch() {
        ArtifactCache cache = new ArtifactCache(directory, "test image");

        assertThatThrownBy(() -> cache.getOrBuild("f", DIGEST, "disk.img", staging -> {
            throw new IOException("write failed", new IOException("No space left on device"));
        })).hasMessageContaining("the disk is full: free space there");
    }

    @Test
    void twoRacingBuildsOfOneVersionShareTheWinnersArtifactAndLeaveNothingElse() throws Exception {
        ArtifactCache cache = new ArtifactCache(directory, "test image");
        CountDownLatch bothWriting = new CountDownLatch(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> builds = Stream.of("one", "two").map(content -> threads.submit(() ->
                    cache.getOrBuild("f", DIGEST, "disk.img", staging -> {
                        Files.writeString(staging.resolve("disk.img"), content);
                        bothWriting.countDown();
                        bothWriting.await(10, TimeUnit.SECONDS);
                    }))).toList();

            assertThat(builds.get(0).get()).isEqualTo(builds.get(1).get());
        } finally {
            threads.shutdownNow();
        }
        assertThat(entries()).containsExactly("f-0123456789abcdef");
        assertThat(Files.readString(directory.resolve("f-0123456789abcdef/disk.img"))).isIn("one", "two");
    }

    @Test
    void aStagingDirectoryLeftByACrashIsRemovedOnceItIsOldAndAFreshOneIsKept() throws IOException {
        Path abandoned = Files.createDirectories(directory.resolve(".staging-crashed"));
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path inProgress = Files.createDirectories(directory.resolve(".staging-building"));

        new ArtifactCache(directory, "test image");

        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
