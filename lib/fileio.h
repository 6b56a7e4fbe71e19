/* fileio: whole-file reads and atomic, never-clobbering writes. */
#ifndef TB_FILEIO_H
#define TB_FILEIO_H

#include <stddef.h>

/* Reads the whole file at path ("-" is standard input) into a new
 * NUL-terminated buffer, stores its length in *len and returns it; the
 * caller frees it.  Returns NULL with errno set on error, EFBIG past max
 * bytes. */
char *fileio_slurp(const char *path, size_t max, size_t *len);

/* Flags for fileio_write_atomic. */
enum {
	FIO_NOCLOBBER = 1 /* fail with EEXIST if path already exists */
};

/* Writes data to path atomically: to a temporary file in the same
 * directory, fsync, then rename over path (or link into place with
 * FIO_NOCLOBBER, so an existing file is never replaced).  A path that is
 * a device or a pipe is written through instead (never renamed over), and
 * a directory is EISDIR.  A crash leaves
 * either the old file or the new one, never a truncated one.  Returns 0,
 * or -1 with errno set and no temporary file left behind. */
int fileio_write_atomic(const char *path, const void *data, size_t len,
			int flags);

/* 1 if an executable named prog is in a directory of $PATH, else 0. */
int fileio_in_path(const char *prog);

/* 1 when paths a and b name the same existing file (device and inode: a
 * link or another spelling counts), else 0.  Tools refuse to write an
 * output over one of their inputs. */
int fileio_same_file(const char *a, const char *b);

/* Raises the soft limit of open files to the hard one (thousands of
 * streams need thousands of descriptors); on failure it stays as it was.
 * Returns the limit now in force (LONG_MAX: none), or -1 when unknown. */
long fileio_raise_nofile(void);

#endif
