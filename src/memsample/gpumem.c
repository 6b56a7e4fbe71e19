/* gpumem: GPU memory samples (see gpumem.h). */
#include "gpumem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "nvsmi.h"
#include "osparse.h"
#include "procmem.h"

struct gpumem {
	nvsmi *nv; /* not owned */
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
static int gpu_start(gpumem *g, long interval_ms, char *err, int errlen)
{
	(void)interval_ms;
	if (g->nv == NULL) {
		snprintf(err, (size_t)errlen, "nvidia-smi is not running");
		return -1;
	}
	return 0;
}

/* nvidia-smi's latest line per GPU, as memory figures. */
static int gpu_read(gpumem *g, char *err, int errlen)
{
	struct osparse_gpu one[GPUMEM_MAX];
	int i, n;

	if (nvsmi_poll(g->nv, err, (size_t)errlen) != 0)
		return -1;
	n = nvsmi_gpus(g->nv, one, GPUMEM_MAX);
	for (i = 0; i < n; i++) {
		struct gpumem_dev *d = &g->dev[i];
		d->index = one[i].index;
		snprintf(d->name, sizeof d->name, "%s", one[i].name);
		d->used = one[i].used;
		d->total = one[i].total;
		d->power_w = one[i].power_w;
		d->wired_limit = -1;
	}
	g->ndev = n;
	return 0;
}
#endif

gpumem *gpumem_open(long interval_ms, nvsmi *nv, char *err, int errlen)
{
	gpumem *g = calloc(1, sizeof *g);

	if (g == NULL) {
		snprintf(err, (size_t)errlen, "out of memory");
		return NULL;
	}
	g->nv = nv;
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
	free(g);
}
