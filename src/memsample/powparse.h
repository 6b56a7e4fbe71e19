/* powparse: pure parsers of power and heat text (Linux powercap and hwmon
 * attributes, nvidia-smi, macOS pmset and powermetrics) and the arithmetic
 * on energy counters.  Sources are cited in docs/memsample.md, Power. */
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

/* NVIDIA's clock-limiting reasons that mean the GPU is held back by heat
 * or power (NVML's nvmlClocksThrottleReason SwPowerCap 0x4, HwSlowdown
 * 0x8, SwThermalSlowdown 0x20, HwThermalSlowdown 0x40, HwPowerBrake 0x80);
 * idle, application clocks, sync boost and display clocks are not. */
#define POWPARSE_NV_THROTTLE 0xECULL

/* One GPU from `nvidia-smi --query-gpu=index,name,power.draw,
 * temperature.gpu,clocks_throttle_reasons.active --format=csv,noheader,
 * nounits`: watts, °C, the reasons' bit mask; each -1 when "[N/A]"
 * (throttled -1 too). */
struct powparse_nvgpu {
	int index;
	char name[96];
	double power_w, temp_c;
	int64_t reasons;
	int throttled;
};

/* Fills up to cap GPUs and returns how many, or -1 when a line is
 * malformed (parsed with libcsv). */
int powparse_nvidia(const char *s, size_t n, struct powparse_nvgpu *g, int cap);

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

#endif
