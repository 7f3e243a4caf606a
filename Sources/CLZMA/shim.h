// liblzma for Swift: xz blocks, index and stream headers (Packages.xz assembled from cached blocks).
#ifndef CLZMA_SHIM_H
#define CLZMA_SHIM_H
#include <lzma.h>

// LZMA_VLI_UNKNOWN is a cast macro, which Swift cannot import.
static const lzma_vli cfs_lzma_vli_unknown = LZMA_VLI_UNKNOWN;
static const lzma_vli cfs_lzma_filter_lzma2 = LZMA_FILTER_LZMA2;
static const uint32_t cfs_lzma_dict_size_min = LZMA_DICT_SIZE_MIN;
#endif
