package dev.edgefaas.image;

import java.nio.file.Path;

/**
 * A function version's guest artifacts, shared read-only by all its microVMs.
 *
 * @param initramfs the guest's init, its configuration and the kernel's modules (cpio newc); null
 *                  for unikernels, whose disk is all they boot
 * @param rootDisk  the function's root file system (ext4 for Linux, a Nanos image, an OSv rofs disk),
 *                  attached read-only as the first disk
 * @param digest    SHA-256 over every input, which names the cache directory
 */
public record GuestImage(Path initramfs, Path rootDisk, String digest) {
}
