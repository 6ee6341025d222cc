/*
 * Preloaded (LD_PRELOAD) into the QEMUs that restore snapshots: makes glibc's malloc_trim(3) a
 * no-op, so that the heap pages a waiting QEMU touched while it started stay mapped for the
 * restore. QEMU 7.2's RCU thread calls malloc_trim every time its queue of callbacks runs dry,
 * which hands every free page of the heap back to the kernel: about three quarters of a waiting
 * QEMU's heap, which the restore then faults in again, page by page, on its way to the guest's
 * first instruction. Nothing else changes: malloc_trim only ever gives memory back, and saying
 * that none was given back is always a correct answer.
 */
#include <stddef.h>

int malloc_trim(size_t pad)
{
    (void) pad;
    return 0;
}
