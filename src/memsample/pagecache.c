/* pagecache: a file's pages in the OS page cache (pagecache.h). */
#include "pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#endif

#if defined(__APPLE__)
typedef char mincore_vec;
#else
typedef unsigned char mincore_vec;
#endif

int pagecache_resident(const char *path, int64_t *bytes, int64_t *resident)
{
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	size_t len, npages, i, step, chunk = (size_t)1 << 30;
	mincore_vec *vec;
	int fd = open(path, O_RDONLY), e;
	int64_t in = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || page <= 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*bytes = st.st_size;
	len = (size_t)st.st_size;
	/* a window of 1 GiB at a time: a 400 GB model maps in pieces */
	vec = malloc(chunk / (size_t)page + 1);
	for (size_t off = 0; vec != NULL && off < len; off += chunk) {
		step = len - off < chunk ? len - off : chunk;
		void *m =
		    mmap(NULL, step, PROT_READ, MAP_SHARED, fd, (off_t)off);
		if (m == MAP_FAILED) {
			e = errno;
			free(vec);
			close(fd);
			errno = e;
			return -1;
		}
		npages = (step + (size_t)page - 1) / (size_t)page;
		/* a failed mincore is an error, never a silent 0 % ("cold") */
		if (mincore(m, step, vec) != 0) {
			e = errno;
			munmap(m, step);
			free(vec);
			close(fd);
			errno = e;
			return -1;
		}
		for (i = 0; i < npages; i++)
			in += (vec[i] & 1) ? page : 0;
		munmap(m, step);
	}
	if (vec == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	free(vec);
	close(fd);
	*resident = in > *bytes ? *bytes : in;
	return 0;
}

int pagecache_drop(const char *path)
{
#if defined(POSIX_FADV_DONTNEED) && !defined(__APPLE__)
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0)
		return -1;
	/* dirty pages (a file just written) are not dropped: write them */
	(void)fdatasync(fd);
	rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
#else
	(void)path;
	errno = ENOSYS;
	return -1;
#endif
}

#if defined(__linux__) && defined(SYS_process_madvise) &&                      \
    defined(SYS_pidfd_open)
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21 /* Linux 5.4; older libc headers lack it */
#endif

/* Whether one line of /proc/PID/maps maps the file of device and inode
 * dev:ino, and where. */
static int maps_line(const char *line, const struct stat *st,
		     unsigned long *beg, unsigned long *end)
{
	unsigned int maj, min;
	unsigned long ino;

	if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", beg, end, &maj, &min,
		   &ino) != 5)
		return 0;
	return ino == (unsigned long)st->st_ino &&
	       makedev(maj, min) == st->st_dev;
}

/* One round: each of pid's mappings of the file paged out, then the file
 * dropped from the page cache.  Returns the mappings or -1 with errno. */
static int evict_round(long pid, const char *path, const struct stat *st)
{
	char maps[64], line[PATH_MAX + 256];
	unsigned long beg, end;
	struct iovec v;
	int pfd, n = 0, e = 0;
	FILE *f;

	snprintf(maps, sizeof maps, "/proc/%ld/maps", pid);
	if ((f = fopen(maps, "r")) == NULL)
		return -1;
	if ((pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0)) < 0) {
		e = errno;
		fclose(f);
		errno = e;
		return -1;
	}
	while (e == 0 && fgets(line, sizeof line, f) != NULL) {
		if (!maps_line(line, st, &beg, &end))
			continue;
		v.iov_base = (void *)beg;
		v.iov_len = end - beg;
		if (syscall(SYS_process_madvise, pfd, &v, 1, MADV_PAGEOUT, 0) <
		    0)
			e = errno;
		else
			n++;
	}
	fclose(f);
	close(pfd);
	if (e == 0 && pagecache_drop(path) != 0)
		e = errno;
	errno = e;
	return e ? -1 : n;
}

/* MADV_PAGEOUT drains only its own CPU's batch of pages on their way to
 * the LRU lists (mm/madvise.c, lru_add_drain) and skips, without an error,
 * a page still in another CPU's batch: that page stays mapped, and
 * POSIX_FADV_DONTNEED, which drains every CPU's batch (mm/fadvise.c,
 * lru_add_drain_all), cannot drop a mapped page.  The round after it finds
 * the page on the LRU and pages it out.  A few rounds, then the caller
 * sees what stayed. */
enum { EVICT_ROUNDS = 4 };

int pagecache_evict(long pid, const char *path, int64_t *left)
{
	struct stat st;
	int64_t bytes;
	int n = 0, r;

	*left = -1;
	if (stat(path, &st) != 0)
		return -1;
	for (r = 0; r < EVICT_ROUNDS; r++) {
		if ((n = evict_round(pid, path, &st)) <= 0)
			return n;
		if (pagecache_resident(path, &bytes, left) != 0) {
			*left = -1;
			break;
		}
		if (*left == 0)
			break;
	}
	return n;
}

int pagecache_mapped(long pid, const char *path, int64_t *bytes)
{
	char smaps[64], line[PATH_MAX + 256];
	struct stat st;
	unsigned long beg, end;
	long long kb;
	int in = 0;
	FILE *f;

	if (stat(path, &st) != 0)
		return -1;
	snprintf(smaps, sizeof smaps, "/proc/%ld/smaps", pid);
	if ((f = fopen(smaps, "r")) == NULL)
		return -1;
	*bytes = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &beg, &end) == 2 &&
		    strchr(line, ':') > strchr(line, ' '))
			in = maps_line(line, &st, &beg, &end);
		else if (in && sscanf(line, "Rss: %lld kB", &kb) == 1)
			*bytes += (int64_t)kb * 1024;
	}
	fclose(f);
	return 0;
}
#else
int pagecache_mapped(long pid, const char *path, int64_t *bytes)
{
	(void)pid;
	(void)path;
	(void)bytes;
	errno = ENOSYS;
	return -1;
}

int pagecache_evict(long pid, const char *path, int64_t *left)
{
	(void)pid;
	(void)path;
	*left = -1;
	errno = ENOSYS;
	return -1;
}
#endif
