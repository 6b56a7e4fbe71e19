/* hostinfo: what machine a run was measured on (one implementation per OS). */
#ifndef TB_HOSTINFO_H
#define TB_HOSTINFO_H

#include <stdint.h>

#include "jw.h"

struct hostinfo {
	char os[72];	     /* "Linux", "Darwin" */
	char os_release[72]; /* kernel release */
	char arch[72];	     /* "x86_64", "arm64" */
	char cpu[128];	     /* "Apple M3 Ultra", "AMD EPYC ..." */
	char hostname[64];
	int ncpu;
	uint64_t mem_total;  /* bytes, 0 when unknown */
	long wired_limit_mb; /* macOS iogpu.wired_limit_mb; -1 elsewhere */
};

/* Fills h; fields that cannot be read stay empty, 0 or -1. */
void hostinfo_get(struct hostinfo *h);

/* Writes this machine's object "host" (docs/events.md) into the open
 * object of w. */
void hostinfo_write(jw *w);

/* The CPU model from the text of Linux's /proc/cpuinfo ("model name", or
 * "Hardware"/"CPU part" lines on some ARM boards), copied into out;
 * returns 0, or -1 when it has none.  Exposed for fixture tests. */
int hostinfo_parse_cpuinfo(const char *text, char *out, int outlen);

#endif
