package dev.edgefaas.host.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command started inside given cgroups: a shell prologue moves the process into them before
 * it runs any of the command's code, so nothing it forks can escape the limits.
 */
public final class JoinCgroupsThenExec {
    /** {@code $1} lists the {@code cgroup.procs} files; the rest is the command. */
    private static final String PROLOGUE =
            "for f in $1; do echo $$ > \"$f\" || exit 125; done; shift; exec \"$@\"";

    private JoinCgroupsThenExec() {
    }

    /** {@code command} wrapped to join the cgroups whose {@code cgroup.procs} files are given; as is if there are none. */
    public static List<String> wrap(List<Path> procsFiles, List<String> command) {
        if (procsFiles.isEmpty()) {
            return List.copyOf(command);
        }
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", PROLOGUE, "edgefaas-launch",
                String.join(" ", procsFiles.stream().map(Path::toString).toList())));
        wrapped.addAll(command);
        return wrapped;
    }
}
