package dev.edgefaas.sandbox.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The subset of the OCI runtime specification's {@code config.json} that edgefaas writes
 * (https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md), as typed records so
 * that a bundle's configuration is checked by the compiler rather than assembled as text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OciSpec(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts, Linux linux) {

    public static final String VERSION = "1.0.2";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Process(boolean terminal, User user, List<String> args, List<String> env, String cwd,
                          Capabilities capabilities, List<Rlimit> rlimits, boolean noNewPrivileges) {
    }

    public record User(int uid, int gid) {
    }

    public record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
                               List<String> permitted, List<String> ambient) {
        /** The same capabilities in every set. */
        public static Capabilities only(List<String> names) {
            return new Capabilities(names, names, names, names, names);
        }
    }

    public record Rlimit(String type, long hard, long soft) {
    }

    public record Root(String path, boolean readonly) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mount(String destination, String type, String source, List<String> options) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Linux(Resources resources, String cgroupsPath, List<Namespace> namespaces,
                        List<String> maskedPaths, List<String> readonlyPaths, Seccomp seccomp) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String type, String path) {
        public static Namespace fresh(String type) {
            return new Namespace(type, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(List<DeviceRule> devices, Memory memory, Cpu cpu, Pids pids) {
    }

    public record DeviceRule(boolean allow, String access) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(long limit, Long swap) {
    }

    public record Cpu(long quota, long period) {
    }

    public record Pids(long limit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Seccomp(String defaultAction, List<String> architectures, List<Syscall> syscalls) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Syscall(List<String> names, String action, Integer errnoRet, List<SyscallArg> args) {
    }

    public record SyscallArg(int index, long value, long valueTwo, String op) {
    }
}
