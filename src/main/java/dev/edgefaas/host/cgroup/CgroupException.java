package dev.edgefaas.host.cgroup;

/**
 * A cgroup could not be created, read, written, emptied or removed. The message names what
 * failed, the file or directory involved, and what to do about it.
 */
public class CgroupException extends RuntimeException {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
