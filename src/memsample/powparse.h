/* powparse: pure parsers of power and heat text (Linux powercap, hwmon,
 * thermal zone attributes, macOS pmset, powermetrics and IOReport channels;
 * nvidia-smi's is osparse_nvidia_smi, shared with the GPU's memory) and the
 * arithmetic on energy counters.  Sources are cited in docs/memsample.md,
 * Power. */
#ifndef TB_POWPARSE_H
#define TB_POWPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "formats.h"

/* Every parser takes the whole text and its length, never reads files,
 * and returns 0 on success or -1 when the text is not of the expected
 * form.  A figure it cannot find is left at -1 (unknown), never 0. */

/* A sysfs attribute holding one decimal integer and a newline
 * ("123456789\n"; a sign allowed for temperatures). */
int powparse_sysfs_int(const char *s, size_t n, int64_t *v);

/* A sysfs name or label: its first line, blanks trimmed, into buf. */
int powparse_label(const char *s, size_t n, char *buf, size_t len);

/* The energy used between two readings of a powercap counter, in µJ.
 * The counter counts up to range (max_energy_range_uj) and starts again
 * from 0, so a reading below the one before is a wrap: (range - prev) +
 * now.  Returns -1 when the delta cannot be known (a reading above the
 * range, or a wrap with no range given). */
int powparse_energy_delta(uint64_t prev, uint64_t now, uint64_t range,
			  uint64_t *delta);

/* Whether a powercap zone of that name adds to the machine's total:
 * "package-N" and "dram" do; "core", "uncore" (inside the package) and
 * "psys" (the whole platform, which holds the package) do not. */
int powparse_rapl_counts(const char *zone_name);

/* An hwmon attribute's file name: POWPARSE_HW_POWER for power<N>_input
 * and power<N>_average (µW), POWPARSE_HW_TEMP for temp<N>_input (m°C),
 * 0 for anything else; *index is N. */
enum { POWPARSE_HW_POWER = 1, POWPARSE_HW_TEMP = 2 };
int powparse_hwmon_attr(const char *fname, int *index);

/* An hwmon reading in its unit (µW or m°C) as watts or degrees Celsius. */
int powparse_hwmon_value(const char *s, size_t n, int kind, double *v);

/* A thermal state's word, as pmset, powermetrics and ProcessInfo write
 * it ("nominal", "fair", "serious", "critical", and powermetrics'
 * Nominal, Moderate, Heavy, Trapping, Sleeping), as an enum
 * formats_thermal (case ignored); -1 when unknown. */
int powparse_thermal_of(const char *word, size_t len);

/* `pmset -g therm`: CPU_Speed_Limit (percent; 100 when pmset says no CPU
 * power status was recorded) and the thermal state (nominal when no
 * thermal warning was recorded, serious when one was, critical at
 * warning level 10, kIOPMThermalWarningLevelCrisis).  -1 each when the
 * text says neither. */
struct powparse_therm {
	int speed_limit, state;
};
int powparse_pmset_therm(const char *s, size_t n, struct powparse_therm *t);

/* One sample of `powermetrics --samplers cpu_power,gpu_power,thermal`
 * (root only): the first "CPU Power", "GPU Power", "ANE Power" and
 * "Combined Power (CPU + GPU + ANE)" lines (mW, or W) as watts, and
 * "Current pressure level" as a state; each -1 when absent.  Returns -1
 * when none is there. */
struct powparse_pm {
	double cpu_w, gpu_w, ane_w, combined_w;
	int state;
};
int powparse_powermetrics(const char *s, size_t n, struct powparse_pm *p);

/* A Linux thermal zone's trip_point_<N>_type ("active", "passive", "hot",
 * "critical"; kernel Documentation/driver-api/thermal/sysfs-api.rst):
 * POWPARSE_TRIP_*, or -1 for anything else. */
enum {
	POWPARSE_TRIP_ACTIVE = 1,
	POWPARSE_TRIP_PASSIVE,
	POWPARSE_TRIP_HOT,
	POWPARSE_TRIP_CRITICAL
};
int powparse_trip_type(const char *s, size_t n);

/* Whether a throttle count rose between two readings: 1, 0, or -1 when
 * either reading is unknown (< 0). */
int powparse_count_rose(int64_t prev, int64_t now);

/* A notify(3) thermal pressure level (macOS: the state posted under
 * kOSThermalNotificationPressureLevelName, <libkern/OSThermalNotification.h>:
 * Nominal 0, Moderate 1, Heavy 2, Trapping 3, Sleeping 4) as an enum
 * formats_thermal, on the same words as powparse_thermal_of; -1 for any
 * other value. */
int powparse_thermal_pressure(uint64_t level);

/* ---- IOReport's "Energy Model" channels (macOS, Apple silicon) ----------
 * The energy counters macmon reads without privileges (docs/memsample.md,
 * Power): each channel of the group "Energy Model" has a name, a unit
 * label ("mJ", "uJ", "nJ") and, in a delta of two samples, the energy used
 * between them.  A part's watts are the sum of its channels' energy over
 * the time between the samples. */
enum powparse_ior_part {
	POWPARSE_IOR_CPU,  /* "CPU Energy", "DIE_<n>_CPU Energy" (Ultra) */
	POWPARSE_IOR_GPU,  /* "GPU Energy" */
	POWPARSE_IOR_ANE,  /* "ANE", "ANE0", "ANE0_<n>" */
	POWPARSE_IOR_DRAM, /* "DRAM", "DRAM0", ... */
	POWPARSE_IOR_N
};

/* Which part a channel measures, or -1 for every other channel (per-core
 * figures, "GPU SRAM", other groups), which must not be added twice. */
int powparse_ior_part(const char *group, const char *channel);

/* An energy value in a unit label (blanks around it ignored) as joules;
 * -1 for a unit that is not energy or a value below 0. */
int powparse_ior_joules(int64_t value, const char *unit, double *joules);

/* The energy of one delta, summed per part; seen[k] when any channel of
 * part k gave a value. */
struct powparse_ior {
	double j[POWPARSE_IOR_N];
	int seen[POWPARSE_IOR_N];
};
void powparse_ior_init(struct powparse_ior *a);

/* Adds one channel of a delta: 0 when added, 1 when the channel is not a
 * part's, -1 when it is but its unit or value cannot be read (left out). */
int powparse_ior_add(struct powparse_ior *a, const char *group,
		     const char *channel, const char *unit, int64_t value);

/* Each part's watts over dt seconds into w (-1 for a part no channel
 * gave); returns how many parts are known, or -1 when dt is not > 0. */
int powparse_ior_watts(const struct powparse_ior *a, double dt,
		       double w[POWPARSE_IOR_N]);

/* A delta written as text, one channel a line, "group<TAB>channel<TAB>
 * unit<TAB>value" ('#' lines are comments): the form of the fixture
 * tests/fixtures/power/ioreport-*.tsv, fed through powparse_ior_add.
 * Returns how many channels were added, or -1 on a malformed line. */
int powparse_ior_text(const char *s, size_t n, struct powparse_ior *a);

#endif
