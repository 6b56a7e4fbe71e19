/* pagecache: a file's pages in the OS page cache (pagecache.h). */
#include "pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
