package dev.edgefaas.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Which kind of image archive an upload is: an OCI layout as a tar, or what {@code docker save} writes. */
final class ImageArchives {
    private ImageArchives() {
    }

    /**
     * True for an OCI layout (it has {@code oci-layout} at its top), false for a {@code docker save}
     * archive ({@code manifest.json}).
     *
     * @throws ArtifactUpload.Malformed if it is neither, or no tar at all
     */
    static boolean isOciLayout(Path archive) {
        try (InputStream file = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            boolean dockerSave = false;
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName().replaceFirst("^\\./", "");
                if (name.equals("oci-layout")) {
                    return true;
                }
                dockerSave |= name.equals("manifest.json");
            }
            if (dockerSave) {
                return false;
            }
        } catch (IOException e) {
            throw new ArtifactUpload.Malformed("the body is not a tar (" + e.getMessage() + "): send what docker save"
                    + " writes, or an OCI image layout as a tar");
        }
        throw new ArtifactUpload.Malformed("the archive has neither oci-layout (an OCI image layout) nor manifest.json"
                + " (docker save) at its top");
    }
}
