/* pagecache: how much of a file the operating system holds in its page
 * cache, and asking it to drop that file's pages: whether a model load
 * reads from disk (cold) or from memory (warm).  mincore() on a mapping
 * of the file, on Linux and macOS; dropping with posix_fadvise, on Linux
 * only (it needs no privilege: only the right to read the file). */
#ifndef TB_PAGECACHE_H
#define TB_PAGECACHE_H

#include <stdint.h>

/* The file's size and the bytes of it resident in the page cache.
 * Returns 0, or -1 with errno (the file cannot be opened or mapped). */
int pagecache_resident(const char *path, int64_t *bytes, int64_t *resident);

/* Asks the OS to drop the file's clean pages from the page cache.
 * Returns 0, or -1 with errno (ENOSYS where the OS offers no way). */
int pagecache_drop(const char *path);

#endif
