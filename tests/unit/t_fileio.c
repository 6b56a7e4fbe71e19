/* Unit tests of lib/fileio: slurp, atomic and no-clobber writes. */
#include "tap.h"
#include "fileio.h"

#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tb-fio-XXXXXX";

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_write_and_read(void)
{
	char path[64], *s;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/run.json", dir);
	CHECK_INT(fileio_write_atomic(path, "{\"a\":1}\n", 8, 0), 0);
	s = fileio_slurp(path, 1 << 20, &len);
	CHECK_STR(s, "{\"a\":1}\n");
	CHECK_INT(len, 8);
	free(s);
	/* Replacing is allowed without FIO_NOCLOBBER... */
	CHECK_INT(fileio_write_atomic(path, "new", 3, 0), 0);
	s = fileio_slurp(path, 1 << 20, &len);
	CHECK_STR(s, "new");
	free(s);
	/* ...and refused with it, leaving the old file and no temp file. */
	errno = 0;
	CHECK_INT(fileio_write_atomic(path, "other", 5, FIO_NOCLOBBER), -1);
	CHECK_INT(errno, EEXIST);
	s = fileio_slurp(path, 1 << 20, &len);
	CHECK_STR(s, "new");
	free(s);
	CHECK_INT(count_entries(), 1);
	struct stat st;
	CHECK_INT(stat(path, &st), 0);
	CHECK((st.st_mode & 0444) == 0444); /* readable, not mkstemp's 0600 */
	unlink(path);
}

static void test_errors(void)
{
	char path[64];
	size_t len;

	errno = 0;
	CHECK(fileio_slurp("/nonexistent/x", 10, &len) == NULL);
	CHECK_INT(errno, ENOENT);
	snprintf(path, sizeof path, "%s/big", dir);
	CHECK_INT(fileio_write_atomic(path, "0123456789", 10, 0), 0);
	errno = 0;
	CHECK(fileio_slurp(path, 5, &len) == NULL);
	CHECK_INT(errno, EFBIG);
	unlink(path);
	CHECK_INT(fileio_write_atomic("/nonexistent/dir/x", "a", 1, 0), -1);
	CHECK_INT(count_entries(), 0);
}

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	RUN(test_write_and_read);
	RUN(test_errors);
	rmdir(dir);
	return DONE();
}
