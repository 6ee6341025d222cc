package dev.edgefaas.sandbox.oci;

import java.util.ArrayList;
import java.util.List;

/**
 * The seccomp filter of function containers: everything a Go or Node.js server uses is allowed,
 * and the syscalls Docker's default profile blocks for unprivileged containers fail with EPERM
 * (kernel keyrings, module loading, mounts, namespaces, tracing, clock changes, io_uring, ...).
 * A deny list rather than an allow list, so that a new runtime version's syscalls do not break
 * functions; the empty capability set already denies most of these, this is the second wall.
 */
final class SeccompProfile {
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final List<String> DENIED = List.of(
            "_sysctl", "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
            "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms",
            "get_mempolicy", "init_module", "io_uring_enter", "io_uring_register", "io_uring_setup", "ioperm", "iopl",
            "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "migrate_pages", "mount",
            "mount_setattr", "move_mount", "move_pages", "name_to_handle_at", "nfsservctl", "open_by_handle_at",
            "open_tree", "perf_event_open", "personality", "pivot_root", "process_vm_readv", "process_vm_writev",
            "ptrace", "query_module", "quotactl", "quotactl_fd", "reboot", "request_key", "set_mempolicy",
            "setdomainname", "sethostname", "setns", "settimeofday", "stime", "swapoff", "swapon", "sysfs", "syslog",
            "umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vhangup", "vm86", "vm86old");
    /** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: one rule each (masked equality). */
    private static final long[] NAMESPACE_FLAGS = {
        0x20000L, 0x02000000L, 0x04000000L, 0x08000000L, 0x10000000L, 0x20000000L, 0x40000000L
    };

    private SeccompProfile() {
    }

    static OciSpec.Seccomp denyList() {
        List<OciSpec.Syscall> rules = new ArrayList<>();
        rules.add(new OciSpec.Syscall(DENIED, "SCMP_ACT_ERRNO", EPERM, null));
        // clone3 passes its flags in a struct seccomp cannot read: say it does not exist, and libc
        // falls back to clone(2), whose flags the rules below can check.
        rules.add(new OciSpec.Syscall(List.of("clone3"), "SCMP_ACT_ERRNO", ENOSYS, null));
        for (long flag : NAMESPACE_FLAGS) {
            rules.add(new OciSpec.Syscall(List.of("clone"), "SCMP_ACT_ERRNO", EPERM,
                    List.of(new OciSpec.SyscallArg(0, flag, flag, "SCMP_CMP_MASKED_EQ"))));
        }
        return new OciSpec.Seccomp("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), rules);
    }
}
