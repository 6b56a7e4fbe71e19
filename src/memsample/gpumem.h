/* gpumem: GPU memory samples (NVIDIA through nvidia-smi, Apple through ioreg).
 */
#ifndef TB_GPUMEM_H
#define TB_GPUMEM_H

#include <stdint.h>

#include "nvsmi.h"

#define GPUMEM_MAX 16

struct gpumem_dev {
	int index;
	char name[96];
	int64_t used, total; /* bytes; -1 unknown */
	double power_w;	     /* -1 unknown */
	int64_t wired_limit; /* Apple: iogpu.wired_limit_mb in bytes, 0 = OS
				default */
};

typedef struct gpumem gpumem;

/* Starts sampling every interval_ms.  NVIDIA: the figures of nv, the run's
 * one nvidia-smi child (nvsmi.h), which the caller owns and --power reads
 * too.  Apple: `ioreg` at most every 2 s (it costs milliseconds of CPU);
 * nv is not used.  Returns NULL with a reason in err when no GPU tool is
 * available (nv NULL off a Mac).  Release with gpumem_close. */
gpumem *gpumem_open(long interval_ms, nvsmi *nv, char *err, int errlen);

/* The latest reading of every device into out (at most GPUMEM_MAX);
 * returns how many, 0 when none has arrived yet, -1 when the tool died
 * (err says why). */
int gpumem_read(gpumem *g, struct gpumem_dev *out, char *err, int errlen);

/* Frees g (NULL is fine); nv is left running. */
void gpumem_close(gpumem *g);

#endif
