package dev.edgefaas.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finding and removing groups an earlier run left behind, e.g. when it crashed. */
public final class Cgroups {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private Cgroups() {
    }

    /**
     * The names of the groups under {@code edgefaas/} in any hierarchy of {@code layout}.
     * Directories whose names {@link Cgroup#create} would refuse are not edgefaas's and are left out.
     */
    public static SortedSet<String> leftovers(CgroupLayout layout) {
        SortedSet<String> names = new TreeSet<>();
        for (Path root : layout.hierarchyRoots()) {
            Path parent = root.resolve(CgroupLayout.PARENT);
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> children = Files.list(parent)) {
                children.filter(Files::isDirectory)
                        .map(child -> child.getFileName().toString())
                        .filter(name -> NAME.matcher(name).matches())
                        .forEach(names::add);
            } catch (IOException e) {
                throw new CgroupException("cannot list " + parent + ": " + CgroupFiles.reason(e)
                        + "; run as root to reap leftover groups", e);
            }
        }
        return Collections.unmodifiableSortedSet(names);
    }

    /**
     * Kills every process in the leftover group {@code edgefaas/<name>} and removes it from
     * every hierarchy where it is.
     *
     * @return false if no hierarchy had it
     */
    public static boolean removeLeftover(CgroupLayout layout, String name) {
        CgroupFiles.checkName(name);
        Path relative = Path.of(CgroupLayout.PARENT, name);
        if (layout.hierarchyRoots().stream().noneMatch(root -> Files.isDirectory(root.resolve(relative)))) {
            return false;
        }
        Cgroup.open(layout, relative.toString()).close();
        return true;
    }

    /**
     * Removes {@code edgefaas/<name>} and everything below it from every cgroup hierarchy
     * mounted here, including those edgefaas does not manage itself: an OCI runtime creates its
     * container's group in all of them (devices, blkio, name=systemd, the unified one...).
     * Processes still in them are killed. Idempotent.
     */
    public static void removeEverywhere(String name) {
        CgroupFiles.checkName(name);
        for (Path mount : allMountPoints()) {
            Path group = mount.resolve(CgroupLayout.PARENT).resolve(name);
            if (Files.isDirectory(group)) {
                GroupDirectories.removeTree(group);
            }
        }
    }

    private static List<Path> allMountPoints() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields.length > 2 && (fields[2].equals("cgroup") || fields[2].equals("cgroup2")))
                    .map(fields -> Path.of(MountTable.unescape(fields[1])))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
