// libfuse3's low-level API for Swift. FUSE_USE_VERSION must precede the include; macros and cast
// constants Swift cannot import are re-exported as functions and constants.
#define FUSE_USE_VERSION 35
#include <fuse3/fuse_lowlevel.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <errno.h>

static const long cfs_utime_now = UTIME_NOW;
static const long cfs_utime_omit = UTIME_OMIT;
static const unsigned int cfs_s_ifdir = S_IFDIR;
static const unsigned int cfs_s_ifreg = S_IFREG;
static const unsigned int cfs_s_ifmt = S_IFMT;

/// `fuse_session_loop_mt` is a macro at version 35.
static inline int cfs_session_loop_mt(struct fuse_session *se, int max_idle_threads) {
    struct fuse_loop_config config = { .clone_fd = 0, .max_idle_threads = (unsigned int)max_idle_threads };
    return fuse_session_loop_mt_32(se, &config);
}

/// Bit-field setters of fuse_file_info (Swift imports bit-fields read-only in places).
static inline void cfs_fi_set_direct_io(struct fuse_file_info *fi, int v) { fi->direct_io = v; }
static inline void cfs_fi_set_keep_cache(struct fuse_file_info *fi, int v) { fi->keep_cache = v; }
static inline void cfs_fi_set_fh(struct fuse_file_info *fi, uint64_t fh) { fi->fh = fh; }
static inline uint64_t cfs_fi_fh(const struct fuse_file_info *fi) { return fi ? fi->fh : 0; }
static inline int cfs_fi_flags(const struct fuse_file_info *fi) { return fi ? fi->flags : 0; }
static inline int cfs_fi_present(const struct fuse_file_info *fi) { return fi != 0; }

/// Capability bits set in init.
static inline void cfs_conn_want(struct fuse_conn_info *conn, unsigned int flag) {
    if (conn->capable & flag) conn->want |= flag;
}
static inline void cfs_conn_unwant(struct fuse_conn_info *conn, unsigned int flag) { conn->want &= ~flag; }
static inline void cfs_conn_limits(struct fuse_conn_info *conn, unsigned int max_write, unsigned int max_readahead) {
    conn->max_write = max_write;
    conn->max_readahead = max_readahead;
}
static const unsigned int cfs_cap_export_support = FUSE_CAP_EXPORT_SUPPORT;
static const unsigned int cfs_cap_atomic_o_trunc = FUSE_CAP_ATOMIC_O_TRUNC;
static const unsigned int cfs_cap_readdirplus = FUSE_CAP_READDIRPLUS;
static const unsigned int cfs_cap_readdirplus_auto = FUSE_CAP_READDIRPLUS_AUTO;
static const unsigned int cfs_cap_writeback_cache = FUSE_CAP_WRITEBACK_CACHE;
static const unsigned int cfs_cap_handle_killpriv = FUSE_CAP_HANDLE_KILLPRIV;

/// setattr's `to_set` bits.
static const int cfs_set_attr_mode = FUSE_SET_ATTR_MODE;
static const int cfs_set_attr_uid = FUSE_SET_ATTR_UID;
static const int cfs_set_attr_gid = FUSE_SET_ATTR_GID;
static const int cfs_set_attr_size = FUSE_SET_ATTR_SIZE;
static const int cfs_set_attr_atime = FUSE_SET_ATTR_ATIME;
static const int cfs_set_attr_mtime = FUSE_SET_ATTR_MTIME;
static const int cfs_set_attr_atime_now = FUSE_SET_ATTR_ATIME_NOW;
static const int cfs_set_attr_mtime_now = FUSE_SET_ATTR_MTIME_NOW;
static const int cfs_set_attr_ctime = FUSE_SET_ATTR_CTIME;

/// fuse_args is built by hand: FUSE_ARGS_INIT is a macro.
static inline struct fuse_args cfs_args(int argc, char **argv) {
    struct fuse_args args = { .argc = argc, .argv = argv, .allocated = 0 };
    return args;
}

/// rename(2) flags (linux/fs.h), which glibc's headers do not always expose.
static const unsigned int cfs_rename_noreplace = 1;
static const unsigned int cfs_rename_exchange = 2;

/// stat(2) without the struct/function name clash Swift has with `stat`.
static inline int cfs_stat_errno(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? 0 : errno;
}
