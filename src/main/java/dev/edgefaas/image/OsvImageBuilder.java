package dev.edgefaas.image;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Makes a function version's OSv disk: an MBR whose second entry (OSv's {@code vblk0.1}) holds a
 * rofs image of the function's root file system, a Go entry point replaced by its PIE build,
 * and OSv's own files (fstab, hosts, {@code libenviron.so}) added. Built once per version and
 * shared read-only; per-instance settings go on OSv's command line.
 */
public final class OsvImageBuilder {
    private static final long PARTITION_START_SECTOR = 1;
    private static final String FSTAB = String.join("\n",
            "/dev/vblk0.1 /          rofs      defaults 0 0",
            "none         /dev       devfs     defaults 0 0",
            "none         /proc      procfs    defaults 0 0",
            "none         /sys       sysfs     defaults 0 0",
            "none         /tmp       ramfs     defaults 0 0", "");
    private static final String HOSTS = "127.0.0.1 localhost\n";
    /** Part of every digest: a change to how disks are made is a new disk. */
    private static final String LAYOUT_VERSION = "edgefaas-osv-1";

    private final ArtifactCache cache;

    public OsvImageBuilder(Path cacheDirectory) {
        this.cache = new ArtifactCache(cacheDirectory, "OSv disk");
    }

    /** @param pie the PIE build that replaces the root file system's entry point, if it needs one */
    public GuestImage build(FunctionManifest manifest, RootfsBuilder.Rootfs rootfs, Optional<Path> pie,
                            OsvToolchain toolchain) {
        String digest = digest(rootfs, pie, toolchain);
        Path target = cache.getOrBuild(manifest.name().value(), digest, "osv.img", staging -> {
            RofsWriter.Directory root = tree(rootfs, pie, toolchain, staging);
            Path disk = staging.resolve("osv.img");
            long size = RofsWriter.write(root, disk, PARTITION_START_SECTOR * RofsWriter.BLOCK);
            writeMbr(disk, size);
            Files.delete(staging.resolve("fstab"));
            Files.delete(staging.resolve("hosts"));
        });
        return new GuestImage(null, target.resolve("osv.img"), digest);
    }

    private static RofsWriter.Directory tree(RootfsBuilder.Rootfs rootfs, Optional<Path> pie, OsvToolchain toolchain,
                                             Path staging)
            throws IOException {
        RofsWriter.Directory root = new RofsWriter.Directory();
        try (Stream<Path> walk = Files.walk(rootfs.path())) {
            for (Path path : walk.filter(p -> !p.equals(rootfs.path())).toList()) {
                String inside = rootfs.path().relativize(path).toString();
                int slash = inside.lastIndexOf('/');
                RofsWriter.Directory parent = slash < 0 ? root : root.directory(inside.substring(0, slash));
                // An image's links stay links: followed here, one would copy a file of the host's.
                if (Files.isSymbolicLink(path)) {
                    parent.children().put(inside.substring(slash + 1),
                            new RofsWriter.Symlink(Files.readSymbolicLink(path).toString()));
                } else if (Files.isDirectory(path)) {
                    root.directory(inside);
                } else if (Files.isRegularFile(path)) {
                    parent.children().put(inside.substring(slash + 1), new RofsWriter.HostFile(path));
                }
            }
        }
        if (pie.isPresent()) {
            // The entry point runs as its position-independent build: OSv's dynamic linker loads it.
            String entry = rootfs.args().getFirst().substring(1);
            int slash = entry.lastIndexOf('/');
            root.directory(entry.substring(0, slash)).children().put(entry.substring(slash + 1),
                    new RofsWriter.HostFile(pie.get()));
        }
        RofsWriter.Directory etc = root.directory("etc");
        etc.children().put("fstab", new RofsWriter.HostFile(Files.writeString(staging.resolve("fstab"), FSTAB)));
        etc.children().put("hosts", new RofsWriter.HostFile(Files.writeString(staging.resolve("hosts"), HOSTS)));
        etc.children().put("mnttab", new RofsWriter.Symlink("/proc/mounts"));
        toolchain.libenviron().ifPresent(library -> root.children().put("libenviron.so", new RofsWriter.HostFile(library)));
        for (String directory : new String[] {"dev", "proc", "sys", "tmp"}) {
            root.directory(directory);
        }
        return root;
    }

    /** Sector 0: a partition table whose second entry covers the rofs image, as OSv's imgedit.py writes it. */
    private static void writeMbr(Path disk, long rofsBytes) throws IOException {
        ByteBuffer mbr = ByteBuffer.allocate(RofsWriter.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        int entry = 0x1be + 0x10;
        // CHS fields only need to be non-zero for OSv; the LBA fields are what it uses.
        mbr.put(entry + 1, (byte) 0xfe).putShort(entry + 2, (short) 0xffff);
        mbr.put(entry + 4, (byte) 0x83);
        mbr.put(entry + 5, (byte) 0xfe).putShort(entry + 6, (short) 0xffff);
        mbr.putInt(entry + 8, (int) PARTITION_START_SECTOR);
        mbr.putInt(entry + 12, (int) ((rofsBytes + RofsWriter.BLOCK - 1) / RofsWriter.BLOCK));
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xaa);
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            channel.write(mbr, 0);
        }
    }

    private static String digest(RootfsBuilder.Rootfs rootfs, Optional<Path> pie, OsvToolchain toolchain) {
        try {
            Sha256 sha = Sha256.start().add(LAYOUT_VERSION).add(rootfs.digest());
            if (pie.isPresent()) {
                sha.addFile(pie.get());
            }
            if (toolchain.libenviron().isPresent()) {
                sha.addFile(toolchain.libenviron().get());
            }
            return sha.hex();
        } catch (IOException e) {
            throw new SandboxException("cannot read the OSv inputs: " + e.getMessage(), e);
        }
    }
}
