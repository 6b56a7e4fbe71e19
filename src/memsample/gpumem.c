/* gpumem: GPU memory samples (see gpumem.h). */
#include "gpumem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "childrd.h"
#include "clock.h"
#include "fileio.h"
#include "osparse.h"
#include "procmem.h"

struct gpumem {
	pid_t pid;
	int fd;
	char buf[8192];
	size_t len;
	struct gpumem_dev dev[GPUMEM_MAX];
	int ndev;
	int apple;
	int64_t last_ns;
};

/* One chain for the platform: Apple silicon reads ioreg's IOAccelerator
 * (no NVIDIA GPU runs there); elsewhere nvidia-smi streams its samples. */
#if defined(__APPLE__)
static int read_apple(gpumem *g)
{
	char buf[65536];
	size_t n = 0;
	int64_t in_use;
	long limit;
	FILE *p;

	if (g->ndev > 0 && clock_mono_ns() - g->last_ns < 2000000000)
		return 0;
	g->last_ns = clock_mono_ns();
	p = popen("ioreg -r -d 1 -w 0 -c IOAccelerator 2>/dev/null", "r");
	if (p == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, p);
	pclose(p);
	buf[n] = '\0';
	struct gpumem_dev *d = &g->dev[0];
	if (osparse_ioreg_gpu(buf, n, &in_use, d->name, sizeof d->name) != 0)
		return -1;
	d->index = 0;
	d->used = in_use;
	d->total = -1;
	d->power_w = -1;
	limit = procmem_wired_limit_mb();
	d->wired_limit = limit >= 0 ? (int64_t)limit * 1048576 : -1;
	g->ndev = 1;
	return 0;
}

static int gpu_start(gpumem *g, long interval_ms, char *err, int errlen)
{
	(void)interval_ms;
	(void)err;
	(void)errlen;
	g->apple = 1;
	return 0;
}

static int gpu_read(gpumem *g, char *err, int errlen)
{
	if (read_apple(g) != 0 && g->ndev == 0) {
		snprintf(err, (size_t)errlen,
			 "ioreg gave no GPU memory figure");
		return -1;
	}
	return 0;
}
#else
/* Takes every complete line read so far; keeps the latest per index. */
static int drain_nvidia(gpumem *g, char *err, int errlen)
{
	ssize_t n;
	struct osparse_gpu one[GPUMEM_MAX];

	while ((n = read(g->fd, g->buf + g->len, sizeof g->buf - 1 - g->len)) >
	       0)
		g->len += (size_t)n;
	if (n == 0) {
		snprintf(err, (size_t)errlen, "nvidia-smi exited");
		return -1;
	}
	char *nl;
	while ((nl = memchr(g->buf, '\n', g->len)) != NULL) {
		size_t line = (size_t)(nl - g->buf) + 1;
		int k = osparse_nvidia_smi(g->buf, line, one, 1);
		if (k == 1 && one[0].index >= 0 && one[0].index < GPUMEM_MAX) {
			struct gpumem_dev *d = &g->dev[one[0].index];
			d->index = one[0].index;
			snprintf(d->name, sizeof d->name, "%s", one[0].name);
			d->used = one[0].used;
			d->total = one[0].total;
			d->power_w = one[0].power_w;
			d->wired_limit = -1;
			if (one[0].index >= g->ndev)
				g->ndev = one[0].index + 1;
		}
		memmove(g->buf, g->buf + line, g->len - line);
		g->len -= line;
	}
	if (g->len == sizeof g->buf - 1)
		g->len = 0; /* a line longer than the buffer: drop it */
	return 0;
}

static int gpu_start(gpumem *g, long interval_ms, char *err, int errlen)
{
	/* posix_spawn wants char *const argv[]: writable copies of the
	 * words, since string literals are const here (-Wwrite-strings). */
	static char a0[] = "nvidia-smi";
	static char a1[] = "--query-gpu=index,name,memory.used,memory.total,"
			   "power.draw";
	static char a2[] = "--format=csv,noheader,nounits";
	static char a3[] = "-lms";
	char ms[32];
	char *argv[] = {a0, a1, a2, a3, ms, NULL};

	if (!fileio_in_path("nvidia-smi")) {
		snprintf(err, (size_t)errlen, "nvidia-smi not found on PATH");
		return -1;
	}
	snprintf(ms, sizeof ms, "%ld", interval_ms < 100 ? 100 : interval_ms);
	g->pid = childrd_spawn(argv, &g->fd);
	if (g->pid < 0) {
		snprintf(err, (size_t)errlen, "cannot start nvidia-smi: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int gpu_read(gpumem *g, char *err, int errlen)
{
	return drain_nvidia(g, err, errlen);
}
#endif

gpumem *gpumem_open(long interval_ms, char *err, int errlen)
{
	gpumem *g = calloc(1, sizeof *g);

	if (g == NULL) {
		snprintf(err, (size_t)errlen, "out of memory");
		return NULL;
	}
	g->fd = -1;
	if (gpu_start(g, interval_ms, err, errlen) != 0) {
		free(g);
		return NULL;
	}
	return g;
}

int gpumem_read(gpumem *g, struct gpumem_dev *out, char *err, int errlen)
{
	int i;

	if (gpu_read(g, err, errlen) != 0)
		return -1;
	for (i = 0; i < g->ndev; i++)
		out[i] = g->dev[i];
	return g->ndev;
}

void gpumem_close(gpumem *g)
{
	if (g == NULL)
		return;
	childrd_stop(g->pid, g->fd);
	free(g);
}
