/* fileio: whole-file reads and atomic, never-clobbering writes. */
#include "fileio.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

char *fileio_slurp(const char *path, size_t max, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	size_t cap = 65536, n = 0;
	char *buf = NULL, *p;
	ssize_t got;
	int saved;

	if (fd < 0)
		return NULL;
	for (;;) {
		if (buf == NULL || cap - n < 2) {
			cap = buf == NULL ? cap : cap * 2;
			if ((p = realloc(buf, cap)) == NULL)
				goto fail;
			buf = p;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	if (fd != 0)
		close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	saved = errno;
	free(buf);
	if (fd != 0)
		close(fd);
	errno = saved;
	return NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A path that names a device or a pipe (/dev/stdout, /dev/full, a FIFO)
 * is written through, never renamed over: as root, a rename replaced
 * /dev/full with a regular file. */
static int write_through(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY), rc, saved;

	if (fd < 0)
		return -1;
	rc = write_all(fd, data, len);
	saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	errno = saved;
	return rc;
}

int fileio_write_atomic(const char *path, const void *data, size_t len,
			int flags)
{
	size_t plen = strlen(path);
	struct stat st;
	char *tmp;
	int fd, rc, saved;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		return write_through(path, data, len);
	}
	tmp = malloc(plen + 16);
	if (tmp == NULL)
		return -1;
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	/* mkstemp makes the file 0600; a result is an ordinary file. */
	mode_t um = umask(0);
	umask(um);
	rc = fchmod(fd, 0666 & ~um);
	if (rc == 0)
		rc = write_all(fd, data, len);
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && (flags & FIO_NOCLOBBER)) {
		rc = link(tmp, path); /* fails with EEXIST, never replaces */
		saved = errno;
		unlink(tmp);
		errno = saved;
	} else if (rc == 0) {
		rc = rename(tmp, path);
	}
	saved = errno;
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}

long fileio_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		rl.rlim_cur =
		    10240; /* macOS caps an infinite max at OPEN_MAX */
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)LONG_MAX
		   ? LONG_MAX
		   : (long)rl.rlim_cur;
}

int fileio_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

int fileio_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
