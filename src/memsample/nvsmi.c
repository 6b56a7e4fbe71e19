/* nvsmi: one nvidia-smi child shared by --gpu and --power (see nvsmi.h). */
#include "nvsmi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "childrd.h"
#include "fileio.h"

struct nvsmi {
	pid_t pid;
	int fd, exited;
	char buf[8192];
	size_t len;
	struct osparse_gpu gpu[NVSMI_MAX];
	int ngpu;
};

#if defined(__APPLE__)
nvsmi *nvsmi_open(long interval_ms, char *err, size_t errlen)
{
	(void)interval_ms;
	snprintf(err, errlen, "no NVIDIA GPU runs on macOS");
	return NULL;
}
#else
nvsmi *nvsmi_open(long interval_ms, char *err, size_t errlen)
{
	/* posix_spawn wants char *const argv[]: writable copies of the
	 * words, since string literals are const here (-Wwrite-strings). */
	static char a0[] = "nvidia-smi";
	static char a1[] = "--query-gpu=" OSPARSE_NV_FIELDS;
	static char a2[] = "--format=csv,noheader,nounits";
	static char a3[] = "-lms";
	char ms[32];
	char *argv[] = {a0, a1, a2, a3, ms, NULL};
	nvsmi *nv;

	if (!fileio_in_path("nvidia-smi")) {
		snprintf(err, errlen, "nvidia-smi not found on PATH");
		return NULL;
	}
	if ((nv = calloc(1, sizeof *nv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(ms, sizeof ms, "%ld", interval_ms < 100 ? 100 : interval_ms);
	if ((nv->pid = childrd_spawn(argv, &nv->fd)) < 0) {
		snprintf(err, errlen, "cannot start nvidia-smi: %s",
			 strerror(errno));
		free(nv);
		return NULL;
	}
	return nv;
}
#endif

/* One complete line: the GPU it names replaces its last reading. */
static void take(nvsmi *nv, const char *line, size_t len)
{
	struct osparse_gpu one;

	if (osparse_nvidia_smi(OSPARSE_NV_FIELDS, line, len, &one, 1) == 1 &&
	    one.index < NVSMI_MAX) {
		nv->gpu[one.index] = one;
		if (one.index >= nv->ngpu)
			nv->ngpu = one.index + 1;
	}
}

int nvsmi_poll(nvsmi *nv, char *err, size_t errlen)
{
	ssize_t n = -1;
	char *nl;

	while (!nv->exited && (n = read(nv->fd, nv->buf + nv->len,
					sizeof nv->buf - 1 - nv->len)) > 0)
		nv->len += (size_t)n;
	if (n == 0)
		nv->exited = 1;
	while ((nl = memchr(nv->buf, '\n', nv->len)) != NULL) {
		size_t line = (size_t)(nl - nv->buf) + 1;
		take(nv, nv->buf, line);
		memmove(nv->buf, nv->buf + line, nv->len - line);
		nv->len -= line;
	}
	if (nv->len == sizeof nv->buf - 1)
		nv->len = 0; /* a line longer than the buffer: dropped */
	if (nv->exited) {
		snprintf(err, errlen, "nvidia-smi exited");
		return -1;
	}
	return 0;
}

int nvsmi_gpus(const nvsmi *nv, struct osparse_gpu *out, int cap)
{
	int i, n = nv->ngpu < cap ? nv->ngpu : cap;

	for (i = 0; i < n; i++)
		out[i] = nv->gpu[i];
	return n;
}

void nvsmi_close(nvsmi *nv)
{
	if (nv == NULL)
		return;
	childrd_stop(nv->pid, nv->fd);
	free(nv);
}
