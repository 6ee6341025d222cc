package dev.edgefaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on real files: copies by content, records replaced whole, leftovers and unused artifacts removed. */
class FunctionStoreTest {
    @TempDir
    Path directory;

    private Path userFiles(String content) throws IOException {
        Path app = Files.createDirectories(directory.resolve("user").resolve("app"));
        Files.writeString(app.resolve("index.js"), content);
        Files.createDirectories(app.resolve("lib"));
        Files.writeString(app.resolve("lib/util.js"), "module.exports = 1;\n");
        return app;
    }

    private static FunctionStore.StoredFunction function(String name, ArtifactStore.Stored artifact) {
        return new FunctionStore.StoredFunction(name, "{\"runtime\": \"node\", \"artifact\": \"" + artifact.path() + "\"}",
                "v1", artifact.digest(), Instant.parse("2026-12-01T00:00:00Z"), "path " + artifact.path());
    }

    @Test
    void aStoredCopyStaysAsItWasWhenTheUsersFilesChangeOrGo() throws IOException {
        FunctionStore store = FunctionStore.open(directory.resolve("data"));
        Path app = userFiles("console.log('one');\n");

        ArtifactStore.Stored stored = store.storeArtifact(app);
        Files.writeString(app.resolve("index.js"), "console.log('two');\n");
        Files.delete(app.resolve("lib/util.js"));

        assertThat(stored.path().getFileName().toString()).isEqualTo("app");
        assertThat(Files.readString(stored.path().resolve("index.js"))).isEqualTo("console.log('one');\n");
        assertThat(stored.path().resolve("lib/util.js")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.path().resolve("index.js"))))
                .as("stored files are read-only").isEqualTo("r--r--r--");
    }

    @Test
    void theSameContentIsStoredOnceAndOtherContentUnderAnotherDigest() throws IOException {
        FunctionStore store = FunctionStore.open(directory.resolve("data"));
        Path app = userFiles("a\n");

        ArtifactStore.Stored first = store.storeArtifact(app);
        ArtifactStore.Stored again = store.storeArtifact(app);
        Files.writeString(app.resolve("index.js"), "b\n");
        ArtifactStore.Stored changed = store.storeArtifact(app);

        assertThat(again).isEqualTo(first);
        assertThat(changed.digest()).isNotEqualTo(first.digest());
        try (Stream<Path> entries = Files.list(directory.resolve("data/artifacts"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(first.digest(), changed.digest());
        }
    }

    @Test
    void aRecordIsReplacedWholeAndReadBackAfterReopening() throws IOException {
        FunctionStore store = FunctionStore.open(directory.resolve("data"));
        ArtifactStore.Stored artifact = store.storeArtifact(userFiles("a\n"));

        store.record(function("app", artifact));
        store.record(new FunctionStore.StoredFunction("app", function("app", artifact).manifest(), "v2", artifact.digest(),
                Instant.parse("2026-12-01T00:00:01Z"), "path " + artifact.path()));

        assertThat(FunctionStore.open(directory.resolve("data")).all()).singleElement()
                .satisfies(f -> {
                    assertThat(f.version()).isEqualTo("v2");
                    assertThat(f.manifest()).contains(artifact.path().toString());
                });
    }

    @Test
    void aStagedRecordIsNotInForceUntilCommittedAndAnAbandonedOneLeavesThePrevious() throws IOException {
        Path data = directory.resolve("data");
        FunctionStore store = FunctionStore.open(data);
        ArtifactStore.Stored artifact = store.storeArtifact(userFiles("a\n"));
        store.record(function("app", artifact));
        FunctionStore.StoredFunction next = new FunctionStore.StoredFunction("app", function("app", artifact).manifest(),
                "v2", artifact.digest(), Instant.parse("2026-12-01T00:00:01Z"), "path " + artifact.path());

        store.stage(next);
        // A node killed here restarts with the version in force.
        assertThat(FunctionStore.open(data).all()).extracting(FunctionStore.StoredFunction::version).containsExactly("v1");

        store.stage(next).abandon();
        assertThat(store.all()).extracting(FunctionStore.StoredFunction::version).containsExactly("v1");
        store.stage(next).commit();
        assertThat(store.all()).extracting(FunctionStore.StoredFunction::version).containsExactly("v2");
    }

    @Test
    void openingRemovesHalfWrittenRecordsStagingCopiesAndArtifactsNoRecordNames() throws IOException {
        Path data = directory.resolve("data");
        FunctionStore store = FunctionStore.open(data);
        ArtifactStore.Stored kept = store.storeArtifact(userFiles("kept\n"));
        store.record(function("kept", kept));
        Files.writeString(directory.resolve("user/app/index.js"), "dropped\n");
        ArtifactStore.Stored dropped = store.storeArtifact(directory.resolve("user/app"));
        Files.createDirectories(data.resolve("artifacts/.staging-123/app"));
        Files.writeString(data.resolve("functions/.next.json.tmp"), "{\"name\": \"ne");

        FunctionStore reopened = FunctionStore.open(data);

        try (Stream<Path> entries = Files.list(data.resolve("artifacts"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(kept.digest());
        }
        assertThat(data.resolve("functions/.next.json.tmp")).doesNotExist();
        assertThat(dropped.path()).doesNotExist();
        assertThat(reopened.all()).extracting(FunctionStore.StoredFunction::name).containsExactly("kept");
    }

    @Test
    void anUnreadableRecordIsKeptAndNoArtifactIsCollectedWhileItIs() throws IOException {
        Path data = directory.resolve("data");
        FunctionStore store = FunctionStore.open(data);
        ArtifactStore.Stored artifact = store.storeArtifact(userFiles("a\n"));
        store.record(function("good", artifact));
        ArtifactStore.Stored perhapsTheBrokensOwn = store.storeArtifact(userFiles("b\n"));
        Files.writeString(data.resolve("functions/broken.json"), "{not json");

        assertThat(FunctionStore.open(data).all()).extracting(FunctionStore.StoredFunction::name).containsExactly("good");
        assertThat(data.resolve("functions/broken.json")).exists();
        assertThat(artifact.path()).exists();
        assertThat(perhapsTheBrokensOwn.path()).exists();
    }
}
