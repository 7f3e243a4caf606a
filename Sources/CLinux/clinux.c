// Linux calls Swift's Glibc module does not expose.
#define _GNU_SOURCE
#include <malloc.h>
#include <fcntl.h>
#include <unistd.h>
#include "clinux.h"

int cfs_start_writeback(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}

int cfs_syncfs(int fd) {
    return syncfs(fd);
}

int cfs_malloc_trim(void) {
    return malloc_trim(0);
}
