// libarchive for Swift: the headers, nothing more (all used calls are plain functions).
#include <archive.h>
#include <archive_entry.h>

// AE_IF* are cast macros, which Swift cannot import.
static const unsigned int cfs_ae_ifreg = AE_IFREG;
static const unsigned int cfs_ae_iflnk = AE_IFLNK;
static const unsigned int cfs_ae_ifdir = AE_IFDIR;
static const unsigned int cfs_ae_ifchr = AE_IFCHR;
static const unsigned int cfs_ae_ifblk = AE_IFBLK;
static const unsigned int cfs_ae_ififo = AE_IFIFO;
static const unsigned int cfs_ae_ifsock = AE_IFSOCK;
