package dev.edgefaas.host.cgroup;

/** The cgroup controllers edgefaas limits or reads; the name is the kernel's. */
public enum Controller {
    CPU("cpu", true),
    CPUACCT("cpuacct", true),
    MEMORY("memory", true),
    PIDS("pids", true),
    /** Optional: without it {@link Cgroup#killAll()} kills in rounds instead of freezing first. */
    FREEZER("freezer", false);

    private final String kernelName;
    private final boolean required;

    Controller(String kernelName, boolean required) {
        this.kernelName = kernelName;
        this.required = required;
    }

    /** The name in mount options ({@code cpu,cpuacct}) and in {@code cgroup.controllers}. */
    public String kernelName() {
        return kernelName;
    }

    /** Whether limits cannot be enforced without it, so a layout lacking it is not writable. */
    public boolean required() {
        return required;
    }
}
