/* Unit tests of simpower: the energy at a known wattage, its changes, and
 * the zone's files as memsample reads them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "fileio.h"
#include "simpower.h"

static char dir[] = "/tmp/t_simpower.XXXXXX";

static char *read_attr(const char *name)
{
	char path[600];
	size_t n;

	snprintf(path, sizeof path, "%s/class/powercap/intel-rapl:0/%s", dir,
		 name);
	return fileio_slurp(path, 1 << 10, &n);
}

/* 20 W idle for 1 s, 40 W (two streams at 10 W) for 0.5 s, 30 W for 2 s:
 * 20 + 20 + 60 = 100 J. */
static void test_energy(void)
{
	struct simpower p;
	char *t;
	const int64_t s = 1000000000;

	CHECK_INT(simpower_open(&p, dir, 20, 10, 5 * s), 0);
	t = read_attr("name");
	CHECK_STR(t ? t : "", "package-0\n");
	free(t);
	t = read_attr("max_energy_range_uj");
	CHECK_STR(t ? t : "", "262143328850\n");
	free(t);
	t = read_attr("energy_uj");
	CHECK_INT(t ? atoll(t) : -1, 0);
	free(t);
	CHECK_NEAR(simpower_watts(&p), 20, 0);
	simpower_set(&p, 2, 6 * s);
	CHECK_NEAR(simpower_watts(&p), 40, 0);
	simpower_set(&p, 1, 6 * s + s / 2);
	CHECK_INT(simpower_write(&p, 8 * s + s / 2), 0);
	CHECK_NEAR(p.j, 100, 1e-9);
	t = read_attr("energy_uj");
	CHECK_INT(t ? atoll(t) : -1, 100000000);
	CHECK_INT(t ? (int)strlen(t) : 0, SIMPOWER_WIDTH);
	free(t);
	/* a time before the last does not take energy back */
	simpower_set(&p, 0, 8 * s);
	CHECK_NEAR(p.j, 100, 1e-9);
	/* a directory that cannot be made */
	CHECK_INT(simpower_open(&p, "/proc/no/such", 20, 10, 0), -1);
}

/* The heat model: at ambient (30 °C) first; 40 W for 8 s (one time
 * constant) moves it 1 - 1/e of the way to 30 + 0.5 x 40 = 50 °C; the
 * sensor's file says so in m°C. */
static void test_heat(void)
{
	struct simpower p;
	char path[600], *t;
	size_t n;
	const int64_t s = 1000000000;
	double want = 50 + (30 - 50) * exp(-1);

	CHECK_INT(simpower_open(&p, dir, 20, 10, 0), 0);
	CHECK_NEAR(p.temp_c, 30, 0);
	simpower_set(&p, 2, 0);
	CHECK_INT(simpower_write(&p, 8 * s), 0);
	CHECK_NEAR(p.temp_c, want, 1e-9);
	snprintf(path, sizeof path, "%s/class/hwmon/hwmon0/temp1_input", dir);
	t = fileio_slurp(path, 1 << 10, &n);
	CHECK(t != NULL && fabs(atof(t) - want * 1000) <= 0.5);
	free(t);
	snprintf(path, sizeof path, "%s/class/hwmon/hwmon0/temp1_label", dir);
	t = fileio_slurp(path, 1 << 10, &n);
	CHECK_STR(t ? t : "", "package\n");
	free(t);
	/* the throttle count: 0, then one more a write while throttled */
	snprintf(path, sizeof path,
		 "%s/devices/system/cpu/cpu0/thermal_throttle/"
		 "package_throttle_count",
		 dir);
	t = fileio_slurp(path, 1 << 10, &n);
	CHECK_INT(t ? atoll(t) : -1, 0);
	free(t);
	p.throttled = 1;
	CHECK_INT(simpower_write(&p, 9 * s), 0);
	CHECK_INT(simpower_write(&p, 10 * s), 0);
	t = fileio_slurp(path, 1 << 10, &n);
	CHECK_INT(t ? atoll(t) : -1, 2);
	free(t);
}

int main(void)
{
	char cmd[80];

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_energy);
	RUN(test_heat);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return DONE();
}
