/* simmoe: llmsim's mixture-of-experts weights (simmoe.h). */
#include "simmoe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_BYTES ((size_t)SIMMOE_EXPERTS * SIMMOE_SLICE)

static const unsigned char *map; /* the file, mapped; NULL when off */

/* Writes the file: slice e holds the byte e, so that a page read back says
 * whose it is. */
static int write_file(int fd)
{
	unsigned char slice[SIMMOE_SLICE];

	if (ftruncate(fd, 0) != 0)
		return -1;
	for (int e = 0; e < SIMMOE_EXPERTS; e++) {
		memset(slice, e, sizeof slice);
		if (write(fd, slice, sizeof slice) != (ssize_t)sizeof slice)
			return -1;
	}
	return fsync(fd);
}

int simmoe_open(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	void *m;

	if (fd < 0 || fstat(fd, &st) != 0 ||
	    ((size_t)st.st_size != FILE_BYTES && write_file(fd) != 0)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m = mmap(NULL, FILE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return -1;
	}
	/* no readahead: a fault reads its page, and the figure is exact */
	(void)posix_madvise(m, FILE_BYTES, POSIX_MADV_RANDOM);
	map = m;
	return 0;
}

int simmoe_on(void)
{
	return map != NULL;
}

static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

uint64_t simmoe_route(const char *text, size_t n)
{
	uint64_t mask = 0;
	uint32_t h = 0;
	int in = 0;

	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)text[i] : ' ';
		if (word_byte(c)) {
			if (!in)
				h = 2166136261u;
			in = 1;
			h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) *
			    16777619u;
		} else if (in) {
			in = 0;
			mask |= (uint64_t)1 << (h % SIMMOE_EXPERTS);
		}
	}
	return mask;
}

unsigned simmoe_touch(uint64_t experts)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned sum = 0;

	if (map == NULL || page <= 0)
		return 0;
	for (int e = 0; e < SIMMOE_EXPERTS; e++)
		for (size_t o = 0; (experts >> e & 1) && o < SIMMOE_SLICE;
		     o += (size_t)page)
			sum += ((const volatile unsigned char *)
				    map)[(size_t)e * SIMMOE_SLICE + o];
	return sum;
}

void simmoe_close(void)
{
	if (map != NULL)
		munmap((void *)(uintptr_t)map, FILE_BYTES);
	map = NULL;
}
