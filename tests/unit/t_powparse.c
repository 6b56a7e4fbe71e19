/* Unit tests of powparse on documented-format power and heat output
 * (tests/fixtures/power/README.md says where each form comes from). */
#include "tap.h"
#include "fileio.h"
#include "formats.h"
#include "powparse.h"

#include <stdlib.h>
#include <string.h>

static char *fixture(const char *name, size_t *n)
{
	char path[256];

	snprintf(path, sizeof path, "%s/power/%s", FIXTURES, name);
	return fileio_slurp(path, 1 << 20, n);
}

#define SYSFS "sys/class/powercap/intel-rapl:0/"

static void test_sysfs_and_labels(void)
{
	size_t n;
	char *s = fixture(SYSFS "energy_uj", &n), buf[64];
	int64_t v;

	CHECK_INT(powparse_sysfs_int(s, n, &v), 0);
	CHECK_INT(v, 262140000000LL);
	free(s);
	s = fixture(SYSFS "name", &n);
	CHECK_INT(powparse_label(s, n, buf, sizeof buf), 0);
	CHECK_STR(buf, "package-0");
	CHECK(powparse_rapl_counts(buf));
	free(s);
	CHECK_INT(powparse_sysfs_int("-4500\n", 6, &v), 0);
	CHECK_INT(v, -4500);
	/* not a number: unknown (-1), never 0 */
	CHECK_INT(powparse_sysfs_int("", 0, &v), -1);
	CHECK_INT(v, -1);
	CHECK_INT(powparse_sysfs_int("12a\n", 4, &v), -1);
	CHECK_INT(
	    powparse_sysfs_int("99999999999999999999999999999999", 32, &v), -1);
	CHECK_INT(powparse_label(" \n", 2, buf, sizeof buf), -1);
	CHECK_INT(powparse_label("  Package id 0 \nx", 17, buf, sizeof buf), 0);
	CHECK_STR(buf, "Package id 0");
	CHECK(powparse_rapl_counts("dram"));
	CHECK(!powparse_rapl_counts("core"));
	CHECK(!powparse_rapl_counts("uncore"));
	CHECK(!powparse_rapl_counts("psys"));
}

/* The counter wraps at max_energy_range_uj: the energy across the wrap
 * is what was left below the range plus what came after it. */
static void test_energy_wrap(void)
{
	uint64_t d = 0, range = 262143328850ULL;

	CHECK_INT(powparse_energy_delta(1000, 5000, range, &d), 0);
	CHECK_INT((int64_t)d, 4000);
	CHECK_INT(powparse_energy_delta(range - 3300000, 700000, range, &d), 0);
	CHECK_INT((int64_t)d, 4000000);
	CHECK_INT(powparse_energy_delta(range, 0, range, &d), 0);
	CHECK_INT((int64_t)d, 0);
	/* backwards with no range known: unknown */
	CHECK_INT(powparse_energy_delta(5000, 1000, 0, &d), -1);
	/* a reading above the range is not a reading of this counter */
	CHECK_INT(powparse_energy_delta(1, range + 1, range, &d), -1);
	/* no range, forward: still a delta */
	CHECK_INT(powparse_energy_delta(1, 11, 0, &d), 0);
	CHECK_INT((int64_t)d, 10);
}

static void test_hwmon(void)
{
	size_t n;
	char *s;
	double v;
	int k = -1;

	CHECK_INT(powparse_hwmon_attr("temp1_input", &k), POWPARSE_HW_TEMP);
	CHECK_INT(k, 1);
	CHECK_INT(powparse_hwmon_attr("power12_average", &k),
		  POWPARSE_HW_POWER);
	CHECK_INT(k, 12);
	CHECK_INT(powparse_hwmon_attr("power1_input", &k), POWPARSE_HW_POWER);
	CHECK_INT(powparse_hwmon_attr("temp1_crit", &k), 0);
	CHECK_INT(powparse_hwmon_attr("temp1_label", &k), 0);
	CHECK_INT(powparse_hwmon_attr("power1_cap", &k), 0);
	CHECK_INT(powparse_hwmon_attr("temp_input", &k), 0);
	CHECK_INT(powparse_hwmon_attr("name", &k), 0);
	s = fixture("sys/class/hwmon/hwmon0/temp1_input", &n);
	CHECK_INT(powparse_hwmon_value(s, n, POWPARSE_HW_TEMP, &v), 0);
	CHECK_NEAR(v, 67.0, 1e-9);
	free(s);
	s = fixture("sys/class/hwmon/hwmon1/power1_average", &n);
	CHECK_INT(powparse_hwmon_value(s, n, POWPARSE_HW_POWER, &v), 0);
	CHECK_NEAR(v, 187.25, 1e-9);
	free(s);
	/* a sensor that reads nothing: unknown */
	CHECK_INT(powparse_hwmon_value("", 0, POWPARSE_HW_TEMP, &v), -1);
	CHECK_NEAR(v, -1, 0);
	CHECK_INT(powparse_hwmon_value("-5\n", 3, POWPARSE_HW_POWER, &v), -1);
	CHECK_INT(powparse_hwmon_value("-5000\n", 6, POWPARSE_HW_TEMP, &v), 0);
	CHECK_NEAR(v, -5.0, 1e-9);
}

static void test_pmset(void)
{
	size_t n;
	char *s = fixture("pmset-therm-nominal.txt", &n);
	struct powparse_therm t;

	CHECK_INT(powparse_pmset_therm(s, n, &t), 0);
	CHECK_INT(t.speed_limit, 100);
	CHECK_INT(t.state, THERMAL_NOMINAL);
	free(s);
	s = fixture("pmset-therm-throttled.txt", &n);
	CHECK_INT(powparse_pmset_therm(s, n, &t), 0);
	CHECK_INT(t.speed_limit, 62);
	CHECK_INT(t.state, THERMAL_NOMINAL);
	free(s);
	s = fixture("pmset-therm-crisis.txt", &n);
	CHECK_INT(powparse_pmset_therm(s, n, &t), 0);
	CHECK_INT(t.speed_limit, 38);
	CHECK_INT(t.state, THERMAL_CRITICAL);
	free(s);
	CHECK_INT(powparse_pmset_therm("pmset: not here\n", 16, &t), -1);
	CHECK_INT(t.speed_limit, -1);
	CHECK_INT(t.state, -1);
}

static void test_powermetrics(void)
{
	size_t n;
	char *s = fixture("powermetrics.txt", &n);
	struct powparse_pm p;

	CHECK_INT(powparse_powermetrics(s, n, &p), 0);
	CHECK_NEAR(p.cpu_w, 14.235, 1e-9);
	CHECK_NEAR(p.gpu_w, 38.912, 1e-9); /* the first GPU Power line */
	CHECK_NEAR(p.ane_w, 0, 1e-9);	   /* a real 0 mW is a reading */
	CHECK_NEAR(p.combined_w, 53.147, 1e-9);
	CHECK_INT(p.state, THERMAL_SERIOUS); /* "Heavy" */
	free(s);
	const char *w = "CPU Power: 42.5 W\n";
	CHECK_INT(powparse_powermetrics(w, strlen(w), &p), 0);
	CHECK_NEAR(p.cpu_w, 42.5, 1e-9);
	CHECK_NEAR(p.gpu_w, -1, 0);
	CHECK_INT(p.state, -1);
	const char *bad = "CPU Power: lots\nCurrent pressure level: Hot\n";
	CHECK_INT(powparse_powermetrics(bad, strlen(bad), &p), -1);
	CHECK_INT(powparse_thermal_of("Trapping", 8), THERMAL_CRITICAL);
	CHECK_INT(powparse_thermal_of("fair", 4), THERMAL_FAIR);
	CHECK_INT(powparse_thermal_of("fairly", 6), -1);
	CHECK_STR(formats_thermal_name(THERMAL_SERIOUS), "serious");
	CHECK(formats_thermal_name(7) == NULL);
}

/* IOReport deltas (written from macmon's source, README.md): each part's
 * channels summed, per-core and per-cluster channels never added twice,
 * units converted, and a part with no channel unknown, never 0. */
static void test_ioreport(void)
{
	struct powparse_ior a;
	double w[POWPARSE_IOR_N], j;
	size_t n;
	char *s = fixture("ioreport-max.tsv", &n);

	powparse_ior_init(&a);
	CHECK_INT(powparse_ior_text(s, n, &a), 4);
	CHECK_INT(powparse_ior_watts(&a, 0.5, w), 4);
	CHECK_NEAR(w[POWPARSE_IOR_CPU], 4.82, 1e-9);
	CHECK_NEAR(w[POWPARSE_IOR_GPU], 8.4, 1e-9); /* nJ */
	CHECK_NEAR(w[POWPARSE_IOR_ANE], 0, 1e-12);  /* a real 0 is a reading */
	CHECK_NEAR(w[POWPARSE_IOR_DRAM], 1.625, 1e-9); /* uJ */
	free(s);
	s = fixture("ioreport-ultra.tsv", &n);
	powparse_ior_init(&a);
	CHECK_INT(powparse_ior_text(s, n, &a), 7);
	CHECK_INT(powparse_ior_watts(&a, 0.25, w), 4);
	CHECK_NEAR(w[POWPARSE_IOR_CPU], 11, 1e-9); /* both dies */
	CHECK_NEAR(w[POWPARSE_IOR_GPU], 60, 1e-9);
	CHECK_NEAR(w[POWPARSE_IOR_ANE], 1, 1e-9);
	CHECK_NEAR(w[POWPARSE_IOR_DRAM], 3, 1e-9);
	free(s);
	s = fixture("ioreport-missing.tsv", &n);
	powparse_ior_init(&a);
	CHECK_INT(powparse_ior_text(s, n, &a), 2);
	CHECK_INT(powparse_ior_watts(&a, 0.5, w), 2);
	CHECK_NEAR(w[POWPARSE_IOR_CPU], 1.6, 1e-9); /* " mJ " trimmed */
	CHECK_NEAR(w[POWPARSE_IOR_GPU], -1, 0);	    /* 24Mticks: no energy */
	CHECK_NEAR(w[POWPARSE_IOR_DRAM], -1, 0);    /* went backwards */
	CHECK_NEAR(w[POWPARSE_IOR_ANE], 0.08, 1e-9);
	free(s);
	/* no interval: no watts */
	CHECK_INT(powparse_ior_watts(&a, 0, w), -1);
	CHECK_NEAR(w[POWPARSE_IOR_CPU], -1, 0);
	CHECK_INT(powparse_ior_part("Energy Model", "GPU SRAM0"), -1);
	CHECK_INT(powparse_ior_part("Energy Model", "DIE_3_CPU Energy"),
		  POWPARSE_IOR_CPU);
	CHECK_INT(powparse_ior_part("GPU Stats", "GPU Energy"), -1);
	CHECK_INT(powparse_ior_joules(-5, "mJ", &j), -1);
	CHECK_INT(powparse_ior_joules(5, "J", &j), -1);
	CHECK_NEAR(j, -1, 0);
	const char *bad = "Energy Model\tCPU Energy\tmJ\n";
	CHECK_INT(powparse_ior_text(bad, strlen(bad), &a), -1);
	bad = "Energy Model\tCPU Energy\tmJ\tlots\n";
	CHECK_INT(powparse_ior_text(bad, strlen(bad), &a), -1);
	CHECK_INT(powparse_ior_text("", 0, &a), 0);
}

/* notify(3)'s thermal pressure levels, OSThermalNotification.h's order. */
static void test_thermal_pressure(void)
{
	CHECK_INT(powparse_thermal_pressure(0), THERMAL_NOMINAL);
	CHECK_INT(powparse_thermal_pressure(1), THERMAL_FAIR);
	CHECK_INT(powparse_thermal_pressure(2), THERMAL_SERIOUS);
	CHECK_INT(powparse_thermal_pressure(3), THERMAL_CRITICAL);
	CHECK_INT(powparse_thermal_pressure(4), THERMAL_CRITICAL);
	CHECK_INT(powparse_thermal_pressure(5), -1);
	CHECK_INT(powparse_thermal_pressure(UINT64_MAX), -1);
}

int main(void)
{
	RUN(test_sysfs_and_labels);
	RUN(test_energy_wrap);
	RUN(test_hwmon);
	RUN(test_pmset);
	RUN(test_powermetrics);
	RUN(test_ioreport);
	RUN(test_thermal_pressure);
	return DONE();
}
