#ifndef NOVEUM_C_HEAP_STATS_H
#define NOVEUM_C_HEAP_STATS_H

#include <stddef.h>

/// Bytes the allocator has handed out and not taken back (glibc: mallinfo2 uordblks + hblkhd); 0 elsewhere.
size_t noveum_heap_bytes_in_use(void);

/// Returns free heap memory to the system where the allocator can (glibc malloc_trim).
void noveum_heap_trim(void);

#endif
