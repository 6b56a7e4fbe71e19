/* nvsmi: one nvidia-smi child for the whole run, asked for every field
 * memsample samples (OSPARSE_NV_FIELDS: memory for --gpu; power,
 * temperature and throttle reasons for --power), its lines parsed once by
 * osparse_nvidia_smi and the latest per GPU kept for both readers. */
#ifndef TB_NVSMI_H
#define TB_NVSMI_H

#include <stddef.h>

#include "osparse.h"

#define NVSMI_MAX 16

typedef struct nvsmi nvsmi;

/* Starts `nvidia-smi --query-gpu=OSPARSE_NV_FIELDS --format=csv,noheader,
 * nounits -lms N` (N = interval_ms, at least 100), read without blocking.
 * Returns NULL with the reason in err when nvidia-smi is not on PATH or
 * cannot start, and on macOS, where no NVIDIA GPU runs.  Release with
 * nvsmi_close. */
nvsmi *nvsmi_open(long interval_ms, char *err, size_t errlen);

/* Takes every complete line read so far.  Returns 0, or -1 when
 * nvidia-smi has exited (err says so); what it gave stays readable. */
int nvsmi_poll(nvsmi *nv, char *err, size_t errlen);

/* The latest reading of each GPU into out (at most cap); returns how
 * many, 0 before the first line. */
int nvsmi_gpus(const nvsmi *nv, struct osparse_gpu *out, int cap);

/* Stops the child and frees nv (NULL is fine). */
void nvsmi_close(nvsmi *nv);

#endif
