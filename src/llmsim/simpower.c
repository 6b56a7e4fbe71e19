/* simpower: a simulated powercap zone with a known wattage. */
#include "simpower.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir that accepts a directory already there. */
static int mkdir_ok(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Writes text to path through path.tmp and a rename, with no stdio:
 * a FILE's buffer is allocated and freed at each of the hundreds of
 * writes a second, which a sanitizer's allocator shows as the server's
 * memory moving, and the demo's leak checks read it. */
static int put(const char *path, const char *text)
{
	char tmp[1100];
	size_t n = strlen(text);
	int fd, e;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	if (write(fd, text, n) != (ssize_t)n) {
		e = errno;
		close(fd);
		remove(tmp);
		errno = e ? e : EIO;
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		remove(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* Writes a number over path's bytes in place, as a sysfs attribute
 * changes: a reader that keeps the file open (memsample reads its
 * counters with pread on a descriptor it holds) sees the new value, where
 * a file renamed over it would leave that reader on the old one.  Always
 * SIMPOWER_WIDTH bytes, padded with spaces before the newline (a reader
 * trims them), so no truncation is needed and no old digit survives. */
static int put_num(const char *path, long long v)
{
	char text[SIMPOWER_WIDTH + 1];
	int fd, e;

	snprintf(text, sizeof text, "%-*lld\n", SIMPOWER_WIDTH - 1, v);
	if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) < 0)
		return -1;
	if (pwrite(fd, text, SIMPOWER_WIDTH, 0) != SIMPOWER_WIDTH) {
		e = errno;
		close(fd);
		errno = e ? e : EIO;
		return -1;
	}
	return close(fd);
}

/* DIR/class/hwmon/hwmon0: one temperature sensor, at ambient. */
static int heat_open(struct simpower *p, const char *dir)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/class/hwmon", dir);
	if (mkdir_ok(path) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/class/hwmon/hwmon0", dir);
	if (mkdir_ok(path) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/class/hwmon/hwmon0/name", dir);
	if (put(path, "llmsim\n") != 0)
		return -1;
	snprintf(path, sizeof path, "%s/class/hwmon/hwmon0/temp1_label", dir);
	if (put(path, "package\n") != 0)
		return -1;
	snprintf(p->temp_path, sizeof p->temp_path,
		 "%s/class/hwmon/hwmon0/temp1_input", dir);
	p->temp_c = SIMPOWER_AMBIENT_C;
	return 0;
}

/* DIR/devices/system/cpu/cpu0/thermal_throttle: the count at 0. */
static int throttle_open(struct simpower *p, const char *dir)
{
	static const char *const sub[] = {
	    "/devices", "/devices/system", "/devices/system/cpu",
	    "/devices/system/cpu/cpu0",
	    "/devices/system/cpu/cpu0/thermal_throttle"};
	char path[1024];

	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(path, sizeof path, "%s%s", dir, sub[i]);
		if (mkdir_ok(path) != 0)
			return -1;
	}
	snprintf(p->thr_path, sizeof p->thr_path,
		 "%s/devices/system/cpu/cpu0/thermal_throttle/"
		 "package_throttle_count",
		 dir);
	return put_num(p->thr_path, 0);
}

int simpower_open(struct simpower *p, const char *dir, double idle_w,
		  double stream_w, int64_t now_ns)
{
	const char *sub[] = {"/class", "/class/powercap",
			     "/class/powercap/intel-rapl:0"};
	char path[1024], zone[1024], text[32];
	size_t i;

	memset(p, 0, sizeof *p);
	p->idle_w = idle_w;
	p->stream_w = stream_w;
	p->t_ns = now_ns;
	if (strlen(dir) > 900) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir_ok(dir) != 0)
		return -1;
	for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(path, sizeof path, "%s%s", dir, sub[i]);
		if (mkdir_ok(path) != 0)
			return -1;
	}
	snprintf(zone, sizeof zone, "%s", path);
	snprintf(path, sizeof path, "%.900s/name", zone);
	if (put(path, "package-0\n") != 0)
		return -1;
	snprintf(path, sizeof path, "%.900s/max_energy_range_uj", zone);
	snprintf(text, sizeof text, "%llu\n", SIMPOWER_RANGE_UJ);
	if (put(path, text) != 0)
		return -1;
	snprintf(p->path, sizeof p->path, "%.900s/energy_uj", zone);
	if (heat_open(p, dir) != 0 || throttle_open(p, dir) != 0)
		return -1;
	return simpower_write(p, now_ns);
}

double simpower_watts(const struct simpower *p)
{
	return p->idle_w + p->stream_w * p->n;
}

static void advance(struct simpower *p, int64_t now_ns)
{
	if (now_ns > p->t_ns) {
		double dt = (double)(now_ns - p->t_ns) / 1e9,
		       eq = SIMPOWER_AMBIENT_C +
			    SIMPOWER_C_PER_W * simpower_watts(p);
		p->j += simpower_watts(p) * dt;
		/* exact for watts constant over dt */
		p->temp_c = eq + (p->temp_c - eq) * exp(-dt / SIMPOWER_TAU_S);
		p->t_ns = now_ns;
	}
}

void simpower_set(struct simpower *p, int n, int64_t now_ns)
{
	advance(p, now_ns);
	p->n = n;
}

int simpower_write(struct simpower *p, int64_t now_ns)
{
	advance(p, now_ns);
	if (put_num(p->path, (long long)((unsigned long long)(p->j * 1e6) %
					 SIMPOWER_RANGE_UJ)) != 0 ||
	    put_num(p->temp_path, (long long)(p->temp_c * 1000 + 0.5)) != 0)
		return -1;
	return p->throttled ? put_num(p->thr_path, ++p->thr_count) : 0;
}
