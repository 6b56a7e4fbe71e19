/* Unit tests of power's Linux reader on a copy of the fixture sysfs tree
 * (tests/fixtures/power/sys): counters across a wrap, hwmon sensors, the
 * throttle count, a missing tree and a counter it may not read. */
#include "tap.h"
#include "power.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEC 1000000000LL

static char root[256];

/* A fresh copy of the fixture tree in a temporary directory. */
static void copy_tree(void)
{
	char cmd[600];

	snprintf(root, sizeof root, "/tmp/t_power.%d", (int)getpid());
	snprintf(cmd, sizeof cmd, "rm -rf %s && cp -R %s/power/sys %s", root,
		 FIXTURES, root);
	if (system(cmd) != 0)
		fprintf(stderr, "# cannot copy the fixture tree\n");
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static const struct power_fig *fig(const struct power_fig *f, int n,
				   const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

#define PKG "class/powercap/intel-rapl:0/energy_uj"
#define DRAM "class/powercap/intel-rapl:0:2/energy_uj"
#define CPU "devices/system/cpu/"
#define THR "devices/system/cpu/cpu0/thermal_throttle/package_throttle_count"

/* The package counter sits 3.3 J below its range; 0.7 J past the wrap
 * one second later is 4 W. */
static void test_counters_and_sensors(void)
{
	char why[1024];
	struct power_reading r;
	const struct power_fig *f;
	power *p;

	copy_tree();
	p = power_open(root, NULL, 100, why, sizeof why);
	CHECK(p != NULL);
	CHECK(strstr(why, "rapl") == NULL);
	CHECK(strstr(why, "hwmon") == NULL);
	power_read(p, 10 * SEC, &r);
	CHECK(fig(r.w, r.nw, "rapl:package-0") == NULL); /* one reading */
	CHECK_INT(r.throttled, 0); /* the count read, and unchanged */
	put(PKG, "700000\n");
	put(DRAM, "6500000\n");
	put(THR, "3\n");
	power_read(p, 11 * SEC, &r);
	f = fig(r.w, r.nw, "rapl:package-0");
	CHECK(f != NULL && f->counted);
	CHECK_NEAR(f ? f->v : -1, 4.02885, 1e-9);
	f = fig(r.w, r.nw, "rapl:dram-0");
	CHECK_NEAR(f ? f->v : -1, 2.5, 1e-9);
	CHECK(fig(r.w, r.nw, "rapl:core") == NULL); /* inside the package */
	CHECK(fig(r.w, r.nw, "rapl:psys") == NULL); /* holds the package */
	f = fig(r.w, r.nw, "hwmon:amdgpu/power1_average");
	CHECK(f != NULL && f->counted);
	f = fig(r.temp, r.ntemp, "hwmon:coretemp/Package id 0");
	CHECK_NEAR(f ? f->v : -1, 67.0, 1e-9);
	CHECK(fig(r.temp, r.ntemp, "hwmon:coretemp/temp1_crit") == NULL);
	CHECK_INT(r.throttled, 1);
	CHECK_STR(r.throttled_by, "cpu:package-0");
	CHECK_INT(r.thermal, -1); /* Linux has no thermal state */
	f = fig(r.temp, r.ntemp, "thermal:zone0/x86_pkg_temp");
	CHECK_NEAR(f ? f->v : -1, 67.0, 1e-9);
	f = fig(r.temp, r.ntemp, "thermal:zone1/acpitz");
	CHECK_NEAR(f ? f->v : -1, 27.8, 1e-9);
	/* a zone whose temp reads nothing is no sensor, never 0 */
	CHECK(fig(r.temp, r.ntemp, "thermal:zone2/iwlwifi_1") == NULL);
	/* a sensor that stops reading is left out, never 0 */
	put("class/hwmon/hwmon2/temp1_input", "");
	power_read(p, 12 * SEC, &r);
	CHECK(fig(r.temp, r.ntemp, "hwmon:nvme/Composite") == NULL);
	CHECK_INT(r.throttled, 0);
	CHECK(fig(r.w, r.nw, "rapl:package-0") != NULL);
	CHECK_NEAR(fig(r.w, r.nw, "rapl:package-0")->v, 0, 1e-9);
	power_close(p);
}

/* Every CPU's counts, each package's and core's once (cpu1 is cpu0's
 * sibling thread), and a zone past its passive trip point. */
static void test_thermal(void)
{
	char why[1024];
	struct power_reading r;
	power *p;

	copy_tree();
	p = power_open(root, NULL, 100, why, sizeof why);
	CHECK(strstr(why, "cpu-throttle") == NULL);
	CHECK(strstr(why, "thermal") == NULL);
	power_read(p, 10 * SEC, &r);
	CHECK_INT(r.throttled, 0);
	put(CPU "cpu1/thermal_throttle/core_throttle_count", "12\n");
	put(CPU "cpu2/thermal_throttle/core_throttle_count", "5\n");
	power_read(p, 11 * SEC, &r);
	CHECK_INT(r.throttled, 1);
	CHECK_STR(r.throttled_by, "cpu:core-0.1");
	power_read(p, 12 * SEC, &r); /* the count stayed: not now */
	CHECK_INT(r.throttled, 0);
	put("class/thermal/thermal_zone0/temp", "95000\n");
	power_read(p, 13 * SEC, &r);
	CHECK_INT(r.throttled, 1);
	CHECK_STR(r.throttled_by, "thermal:zone0/x86_pkg_temp");
	/* a count that cannot be read this time says nothing */
	put("class/thermal/thermal_zone0/temp", "94999\n");
	put(CPU "cpu2/thermal_throttle/core_throttle_count", "");
	power_read(p, 14 * SEC, &r);
	CHECK_INT(r.throttled, 0);
	power_close(p);
}

static void test_nothing_there(void)
{
	char why[1024];
	struct power_reading r;
	power *p = power_open("/nonexistent-sysfs", NULL, 100, why, sizeof why);

	CHECK(strstr(why, "rapl: /nonexistent-sysfs/class/powercap: No such "
			  "file") != NULL);
	CHECK(strstr(why, "hwmon: ") != NULL);
	CHECK(strstr(why, "cpu-throttle: ") != NULL);
	CHECK(strstr(why, "thermal: /nonexistent-sysfs/class/thermal: No such "
			  "file") != NULL);
	power_read(p, SEC, &r);
	power_read(p, 2 * SEC, &r);
	CHECK_INT(r.nw, 0);
	CHECK_INT(r.ntemp, 0);
	CHECK_INT(r.throttled, -1);
	power_close(p);
}

/* energy_uj readable by root alone (Linux 5.10 on): the reason says so.
 * As root the check runs in a child that drops to nobody. */
static void test_permission(void)
{
	char path[512], why[1024];
	int st = -1;
	pid_t pid;

	copy_tree();
	snprintf(path, sizeof path, "%s/%s", root, PKG);
	chmod(path, 0400);
	snprintf(path, sizeof path, "%s/%s", root, DRAM);
	chmod(path, 0400);
	/* a machine that keeps its throttle counts and a zone to root */
	for (int i = 0; i < 3; i++) {
		static const char *const kind[] = {"core", "package"};
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof path,
				 "%s/" CPU
				 "cpu%d/thermal_throttle/%s_throttle_count",
				 root, i, kind[k]);
			chmod(path, 0400);
		}
	}
	snprintf(path, sizeof path, "%s/class/thermal/thermal_zone0/temp",
		 root);
	chmod(path, 0400);
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && setuid(65534) != 0)
			_exit(3);
		power *p = power_open(root, NULL, 100, why, sizeof why);
		struct power_reading r;
		int ok = strstr(why, "rapl: ") != NULL &&
			 strstr(why, "permission denied (root only") != NULL &&
			 strstr(why, "hwmon") == NULL &&
			 strstr(why, "cpu-throttle: ") != NULL &&
			 strstr(why, "permission denied (world-readable by "
				     "default") != NULL;
		power_read(p, SEC, &r);
		/* a zone it may not read is no sensor: left out, never 0 */
		ok = ok && r.ntemp > 0;
		for (int i = 0; i < r.ntemp; i++)
			ok = ok && strncmp(r.temp[i].name, "thermal:zone0", 13);
		power_close(p);
		_exit(ok ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	RUN(test_counters_and_sensors);
	RUN(test_thermal);
	RUN(test_nothing_there);
	RUN(test_permission);
	if (root[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", root);
		if (system(cmd) != 0)
			fprintf(stderr, "# %s left behind\n", root);
	}
	return DONE();
}
