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

/* Pages the file's pages out of process pid's mappings of it
 * (process_madvise MADV_PAGEOUT over each mapping in /proc/PID/maps), then
 * drops them from the page cache: a server that read the whole file at
 * load (llama.cpp's MAP_POPULATE) holds none of it afterwards, so what it
 * touches next shows; in up to four rounds, while pages stay (pagecache.c).
 * Linux 5.10 and later; the kernel asks for CAP_SYS_NICE, the right to read
 * pid's memory and to open the file for writing (root has them).  Returns the
 * number of mappings paged out (0: pid maps none of it), or -1 with errno
 * (ENOSYS where the OS offers no way); *left: the bytes of the file still
 * in the page cache after the last round, -1 when not known. */
int pagecache_evict(long pid, const char *path, int64_t *left);

/* The bytes of the file that process pid has resident in its mappings of
 * it (the Rss of each mapping in /proc/PID/smaps): the pages it touched
 * since they were last paged out, give or take the kernel's fault-around
 * (64 KiB), where the page cache's share also counts the readahead around
 * each fault.  Linux; returns 0, or -1 with errno (ENOSYS elsewhere). */
int pagecache_mapped(long pid, const char *path, int64_t *bytes);

#endif
