// libcurl for Swift: curl_easy_setopt/getinfo are variadic, so each argument type gets a typed wrapper.
#include <curl/curl.h>

static inline CURLcode cfs_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfs_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfs_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfs_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfs_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*cfs_data_callback)(char *, size_t, size_t, void *);
typedef int (*cfs_progress_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode cfs_setopt_data_callback(CURL *h, CURLoption o, cfs_data_callback f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode cfs_setopt_progress_callback(CURL *h, CURLoption o, cfs_progress_callback f) { return curl_easy_setopt(h, o, f); }

static inline CURLcode cfs_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
