// Linux calls Swift's Glibc module does not expose (they need _GNU_SOURCE).
#ifndef CLINUX_H
#define CLINUX_H

/// Starts writeback of a byte range of a file without waiting for it (sync_file_range with
/// SYNC_FILE_RANGE_WRITE). Returns 0 or -1 with errno set; advisory, so callers may ignore failures.
int cfs_start_writeback(int fd, long long offset, long long count);

/// Flushes every dirty page and metadata of the filesystem holding `fd` (syncfs). Returns 0 or -1.
int cfs_syncfs(int fd);

/// Returns free memory held by malloc's arenas to the system (glibc's malloc_trim(0), declared in malloc.h, which
/// Swift's Glibc module does not include). Returns 1 when memory was released, else 0.
int cfs_malloc_trim(void);

#endif
