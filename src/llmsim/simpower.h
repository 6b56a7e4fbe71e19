/* simpower: llmsim's power model: a simulated powercap zone whose energy
 * counter rises at idle_w + stream_w x (the streams decoding), written
 * where memsample --power --sys-root reads it (docs/llmsim.md, POWER). */
#ifndef TB_SIMPOWER_H
#define TB_SIMPOWER_H

#include <stdint.h>

/* The heat model: the sensor approaches SIMPOWER_AMBIENT_C +
 * SIMPOWER_C_PER_W x the watts drawn exponentially, with time constant
 * SIMPOWER_TAU_S, starting at ambient (docs/llmsim.md, POWER). */
#define SIMPOWER_AMBIENT_C 30.0
#define SIMPOWER_C_PER_W 0.5
#define SIMPOWER_TAU_S 8.0

/* The bytes of each changing file: a number padded with spaces, then a
 * newline (written in place: simpower.c, put_num). */
#define SIMPOWER_WIDTH 24

/* The counter's wrap, as a real RAPL package zone has (262 kJ). */
#define SIMPOWER_RANGE_UJ 262143328850ULL

struct simpower {
	char path[1024]; /* DIR/class/powercap/intel-rapl:0/energy_uj */
	double idle_w, stream_w;
	int n;	      /* streams decoding */
	int64_t t_ns; /* when j was last brought up to date (monotonic) */
	double j;     /* energy since the start, joules */
	char temp_path[1024]; /* DIR/class/hwmon/hwmon0/temp1_input */
	double temp_c;	      /* the sensor's temperature at t_ns */
	char thr_path[1024];  /* DIR/devices/system/cpu/cpu0/thermal_throttle/
			       * package_throttle_count */
	int throttled;	      /* 1: each write counts one throttle event */
	long long thr_count;
};

/* Makes DIR/class/powercap/intel-rapl:0 (name package-0, the range, the
 * counter at 0) and DIR/class/hwmon/hwmon0 (name llmsim, temp1 labelled
 * package at ambient) and DIR/devices/system/cpu/cpu0/thermal_throttle
 * (package_throttle_count 0), and starts the energy at now.  Returns 0, or -1
 * with errno set. */
int simpower_open(struct simpower *p, const char *dir, double idle_w,
		  double stream_w, int64_t now_ns);

/* The watts drawn right now. */
double simpower_watts(const struct simpower *p);

/* Brings the energy up to now, then sets the streams decoding to n. */
void simpower_set(struct simpower *p, int n, int64_t now_ns);

/* Brings the energy and the temperature up to now and writes the counter,
 * the sensor and the throttle count (one more while p->throttled), each in
 * place, as sysfs changes them (a reader holding the file open sees the
 * new number).  Returns 0, or -1 with errno set. */
int simpower_write(struct simpower *p, int64_t now_ns);

#endif
