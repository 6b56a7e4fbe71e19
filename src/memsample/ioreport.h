/* ioreport: macOS's IOReport "Energy Model" counters (CPU, GPU, ANE and
 * DRAM energy on Apple silicon), read without privileges as macmon reads
 * them.  IOReport is a private library: it and CoreFoundation are opened
 * at run time (dlopen), so nothing links against them and a Mac without
 * them is told, not crashed.  The arithmetic is powparse_ior_*. */
#ifndef TB_IOREPORT_H
#define TB_IOREPORT_H

#include <stddef.h>

#include "powparse.h"

typedef struct ioreport ioreport;

/* Subscribes to the Energy Model group and takes a first sample.  Returns
 * NULL with the reason in why (at most len bytes) when the library, its
 * calls or the group are not there (any OS but macOS says so).  Release
 * with ioreport_close. */
ioreport *ioreport_open(char *why, size_t len);

/* Takes a sample; each part's watts since the last one over dt seconds
 * into w (-1 for a part no channel gave).  Returns how many parts are
 * known, or -1 when no delta could be made. */
int ioreport_read(ioreport *r, double dt, double w[POWPARSE_IOR_N]);

/* Frees the subscription and the last sample (NULL is fine). */
void ioreport_close(ioreport *r);

#endif
