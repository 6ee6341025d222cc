package dev.edgefaas.sandbox;

import dev.edgefaas.host.Executables;
import dev.edgefaas.host.cgroup.CgroupLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a backend needs of the host, checked need by need: every unmet one is kept with its fix,
 * so that {@code doctor} lists them all at once instead of the first (the way testcontainers'
 * {@code DockerClientProviderStrategy} reports every strategy it tried). Not thread-safe: one
 * check, one instance.
 */
public final class HostNeeds {
    private final List<String> unmet = new ArrayList<>();

    /** Needs root; {@code why} says what for, e.g. {@code "containers need root here (no rootless set-up)"}. */
    public void root(String why) {
        require("root".equals(System.getProperty("user.name")), why + ": run edgefaas as root");
    }

    /** Needs cgroups the platform can write, for the instances' limits. */
    public void writableCgroups(CgroupLayout cgroups) {
        require(cgroups.writable(), "cgroups are not writable (" + cgroups.describe() + "): run as root on Linux");
    }

    /** Needs the executable {@code name} on PATH (or a system directory); empty, and noted, if absent. */
    public Optional<Path> executable(String name, String installFix) {
        Optional<Path> found = Executables.find(name);
        require(found.isPresent(), name + " is not installed: " + installFix);
        return found;
    }

    /** Notes {@code reasonAndFix} unless {@code met}. */
    public void require(boolean met, String reasonAndFix) {
        if (!met) {
            unmet.add(reasonAndFix);
        }
    }

    /**
     * Runs a check that throws {@link SandboxException} when the need is unmet (a detection, a tool
     * check); empty, with the exception's message noted, if it threw.
     */
    public <T> Optional<T> check(Supplier<T> detection) {
        try {
            return Optional.ofNullable(detection.get());
        } catch (SandboxException e) {
            unmet.add(e.getMessage());
            return Optional.empty();
        }
    }

    /** Like {@link #check(Supplier)} for a check that returns nothing. */
    public void check(Runnable check) {
        check(() -> {
            check.run();
            return Boolean.TRUE;
        });
    }

    public boolean met() {
        return unmet.isEmpty();
    }

    /** The unmet needs, each with its fix, in the order they were checked. */
    public List<String> unmet() {
        return List.copyOf(unmet);
    }
}
