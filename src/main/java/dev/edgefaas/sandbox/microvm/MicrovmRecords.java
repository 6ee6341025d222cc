package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.Cgroups;

/** What a microVM instance records before it creates it, and how the reaper removes it after a crash. */
final class MicrovmRecords {
    static final String CGROUP = "cgroup";
    static final String PID = "pid";

    private MicrovmRecords() {
    }

    /** Kills the VMM if it is still the recorded process, and removes the instance's cgroup. */
    static void reap(InstanceRecord record, CgroupLayout cgroups, String vmmBinaryName) {
        record.get(PID).ifPresent(pid -> ProcessHandle.of(Long.parseLong(pid))
                .filter(process -> process.info().command().orElse("").endsWith(vmmBinaryName))
                .ifPresent(ProcessHandle::destroyForcibly));
        record.get(CGROUP).ifPresent(name -> {
            if (cgroups.writable()) {
                Cgroups.removeLeftover(cgroups, name);
                Cgroups.removeEverywhere(name);
            }
        });
    }
}
