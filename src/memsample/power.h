/* power: the machine's power and heat, read from every source this OS
 * offers (Linux: powercap RAPL, hwmon, the CPU's thermal-throttle count,
 * nvidia-smi; macOS: pmset -g therm, powermetrics when root).  Parsing is
 * powparse's; this module finds, reads and times the sources. */
#ifndef TB_POWER_H
#define TB_POWER_H

#include <stddef.h>

#include "nvsmi.h"

#define POWER_MAX 32
#define POWER_NAME 80

/* One named figure of one sample. */
struct power_fig {
	char name[POWER_NAME]; /* "rapl:package-0", "hwmon:coretemp/Core 0" */
	double v;
	int counted; /* power: part of the total (docs/memsample.md) */
};

/* One sample.  Only known figures are listed: a source that has nothing
 * yet (a counter read once) or nothing at all is absent, never 0. */
struct power_reading {
	struct power_fig w[POWER_MAX]; /* watts */
	int nw;
	struct power_fig temp[POWER_MAX]; /* degrees Celsius */
	int ntemp;
	int thermal;		       /* enum formats_thermal, -1 unknown */
	int throttled;		       /* 1, 0, -1 unknown */
	char throttled_by[POWER_NAME]; /* the first source that says so */
};

typedef struct power power;

/* Finds the sources under sysroot ("/sys"; a test gives a tree of its
 * own) and starts those that stream (powermetrics every interval_ms).
 * NVIDIA GPUs are read from nv, the run's one nvidia-smi child, which the
 * caller owns and says the reason for when it is NULL.  Each other source
 * that gives nothing is named in why, one "source: reason" line each (at
 * most whylen bytes).  Returns NULL only when out of memory.  Release
 * with power_close. */
power *power_open(const char *sysroot, nvsmi *nv, long interval_ms, char *why,
		  size_t whylen);

/* Reads every source at mono_ns (clock_mono_ns) into r; a counter's
 * watts are its energy since the last read over the time between. */
void power_read(power *p, long long mono_ns, struct power_reading *r);

/* Stops powermetrics and frees p (NULL is fine); nv is left running. */
void power_close(power *p);

#endif
