/* power: power and heat from the OS's sources (see power.h). */
#include "power.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "childrd.h"
#include "fileio.h"
#include "ioreport.h"
#include "nvsmi.h"
#include "powparse.h"

#if defined(__APPLE__)
#include <libkern/OSThermalNotification.h>

/* notify(3), whose <notify.h> zig's macOS headers lack: the prototypes as
 * Apple's notify.h and the manual declare them (0 is NOTIFY_STATUS_OK). */
uint32_t notify_register_check(const char *name, int *out_token);
uint32_t notify_get_state(int token, uint64_t *state64);
uint32_t notify_cancel(int token);
#endif

/* Each source's attribute is opened once and read again from offset 0 at
 * every sample (sysfs makes its text afresh on such a read): an open and
 * a close per file and sample cost more than the reading itself, which
 * matters on a machine with a hundred CPUs' throttle counts at 10 Hz. */
struct counter { /* a powercap zone's energy counter, or a throttle count */
	char name[POWER_NAME], path[1024];
	uint64_t prev, range;
	int fd;
};

struct sensor { /* an hwmon reading */
	char name[POWER_NAME], path[1024];
	int kind, counted, fd;
};

#define THR_MAX 64
#define ZONE_MAX 32

struct zone { /* a Linux thermal zone */
	char name[POWER_NAME], path[1024];
	int fd;
	double
	    passive; /* °C where passive cooling (throttling) starts, or -1 */
};

struct power {
	struct counter rapl[16];
	int nrapl;
	struct sensor hw[POWER_MAX];
	int nhw;
	struct counter thr[THR_MAX]; /* throttle counts: prev, no range */
	int nthr;
	struct zone zone[ZONE_MAX];
	int nzone;
	long long prev_ns;
	nvsmi *nv; /* the run's nvidia-smi (not owned), or NULL */
	pid_t pid; /* powermetrics */
	int fd;
	char buf[16384];
	size_t len;
	struct powparse_pm pm;
	int have_pm;
	struct powparse_therm th;
	long long th_ns;
	ioreport *ior;	/* macOS: IOReport's energy counters, or NULL */
	int notify_tok; /* macOS: the thermal pressure level's token, or -1 */
};

/* Appends one "source: reason" line to why. */
static void say(char *why, size_t len, const char *fmt, ...)
{
	size_t k = strlen(why);
	va_list ap;

	if (k + 2 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(why + k, len - k - 1, fmt, ap);
	va_end(ap);
	k = strlen(why);
	why[k] = '\n';
	why[k + 1] = '\0';
}

static void add_fig(struct power_fig *f, int *n, const char *name, double v,
		    int counted)
{
	if (*n >= POWER_MAX)
		return;
	snprintf(f[*n].name, sizeof f[*n].name, "%s", name);
	f[*n].v = v;
	f[*n].counted = counted;
	(*n)++;
}

static void set_throttle(struct power_reading *r, int on, const char *by)
{
	if (on > 0 && r->throttled != 1)
		snprintf(r->throttled_by, sizeof r->throttled_by, "%s", by);
	if (on > r->throttled)
		r->throttled = on;
}

/* ---- nvidia-smi: the run's one child (nvsmi), if any ------------------
 */

static void nv_read(power *p, struct power_reading *r)
{
	struct osparse_gpu g[NVSMI_MAX];
	char name[POWER_NAME], err[64];
	int i, n;

	if (p->nv == NULL)
		return;
	nvsmi_poll(p->nv, err, sizeof err); /* what it gave stays */
	n = nvsmi_gpus(p->nv, g, NVSMI_MAX);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "nvidia:%d", g[i].index);
		if (g[i].power_w >= 0)
			add_fig(r->w, &r->nw, name, g[i].power_w, 1);
		if (g[i].temp_c >= 0)
			add_fig(r->temp, &r->ntemp, name, g[i].temp_c, 0);
		set_throttle(r, g[i].throttled, name);
	}
}

#if defined(__linux__)
/* ---- Linux: powercap, hwmon, the throttle count ----------------------- */

/* Reads a small attribute file into buf; 0, or an errno. */
static int attr(const char *path, char *buf, size_t len, size_t *n)
{
	int fd = open(path, O_RDONLY), e;
	ssize_t got;

	if (fd < 0)
		return errno;
	got = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (got < 0)
		return e;
	*n = (size_t)got;
	buf[*n] = '\0';
	return 0;
}

/* A read's errno e, else the integer its text holds (EINVAL: none). */
static int read_int(int e, const char *buf, size_t n, int64_t *v)
{
	if (e != 0)
		return e;
	return powparse_sysfs_int(buf, n, v) == 0 ? 0 : EINVAL;
}

static int attr_int(const char *path, int64_t *v)
{
	char buf[64];
	size_t n = 0;
	int e = attr(path, buf, sizeof buf, &n);

	return read_int(e, buf, n, v);
}

/* An attribute held open, read again from its start; 0, or an errno. */
static int again(int fd, char *buf, size_t len, size_t *n)
{
	ssize_t got = pread(fd, buf, len - 1, 0);

	*n = 0;
	if (got < 0)
		return errno;
	*n = (size_t)got;
	buf[*n] = '\0';
	return 0;
}

static int again_int(int fd, int64_t *v)
{
	char buf[64];
	size_t n = 0;
	int e = again(fd, buf, sizeof buf, &n);

	return read_int(e, buf, n, v);
}

/* Opens a source's attribute for the run; -1 when it cannot be. */
static int hold(const char *path)
{
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Why an attribute could not be read, in the user's terms: RAPL's energy
 * is root's alone on purpose (rapl set), anything else's by local policy. */
static const char *read_why(int e, int rapl)
{
	if ((e == EACCES || e == EPERM) && rapl)
		return "permission denied (root only since Linux 5.10, "
		       "CVE-2020-8694: run memsample as root)";
	if (e == EACCES || e == EPERM)
		return "permission denied (world-readable by default: "
		       "this machine restricts it; run memsample as root)";
	return strerror(e);
}

/* One powercap zone directory: a counter when its name adds to the
 * total and its energy can be read; else the first reason in why. */
static void rapl_zone(power *p, const char *dir, const char *zone, char *why,
		      size_t wl, int *said)
{
	char path[1024], name[64], buf[64];
	size_t n;
	int64_t range = 0, e0;
	int e;

	snprintf(path, sizeof path, "%.400s/%.200s/name", dir, zone);
	if (attr(path, buf, sizeof buf, &n) != 0 ||
	    powparse_label(buf, n, name, sizeof name) != 0 ||
	    !powparse_rapl_counts(name) || p->nrapl >= 16)
		return;
	struct counter *c = &p->rapl[p->nrapl];
	snprintf(path, sizeof path, "%.400s/%.200s/max_energy_range_uj", dir,
		 zone);
	if (attr_int(path, &range) != 0 || range < 0)
		range = 0;
	snprintf(c->path, sizeof c->path, "%.400s/%.200s/energy_uj", dir, zone);
	if ((e = attr_int(c->path, &e0)) != 0 || e0 < 0) {
		if (!(*said)++)
			say(why, wl, "rapl: %s: %s", c->path, read_why(e, 1));
		return;
	}
	if (strcmp(name, "dram") == 0) /* "intel-rapl:P:K": package P */
		snprintf(c->name, sizeof c->name, "rapl:dram-%d",
			 atoi(zone + 11));
	else
		snprintf(c->name, sizeof c->name, "rapl:%s", name);
	c->range = (uint64_t)range;
	c->prev = (uint64_t)e0;
	c->fd = hold(c->path);
	p->nrapl++;
}

static void rapl_open(power *p, const char *root, char *why, size_t wl)
{
	char dir[512];
	struct dirent *d;
	DIR *dp;
	int said = 0;

	snprintf(dir, sizeof dir, "%.400s/class/powercap", root);
	if ((dp = opendir(dir)) == NULL) {
		say(why, wl, "rapl: %s: %s", dir, strerror(errno));
		return;
	}
	/* intel-rapl-mmio zones repeat the package's: left out */
	while ((d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, "intel-rapl:", 11) == 0)
			rapl_zone(p, dir, d->d_name, why, wl, &said);
	closedir(dp);
	if (p->nrapl == 0 && !said)
		say(why, wl, "rapl: no package or dram zone in %s", dir);
}

/* One hwmon attribute: a sensor when it reads as a figure now. */
static void hw_attr(power *p, const char *dir, const char *chip,
		    const char *fname)
{
	char path[1024], buf[96], label[64];
	size_t n;
	int idx, kind = powparse_hwmon_attr(fname, &idx);
	double v;

	if (kind == 0 || p->nhw >= POWER_MAX)
		return;
	struct sensor *s = &p->hw[p->nhw];
	snprintf(s->path, sizeof s->path, "%.600s/%.200s", dir, fname);
	if (attr(s->path, buf, sizeof buf, &n) != 0 ||
	    powparse_hwmon_value(buf, n, kind, &v) != 0)
		return; /* a sensor that reads nothing is no sensor */
	snprintf(path, sizeof path, "%.600s/%s%d_label", dir,
		 kind == POWPARSE_HW_TEMP ? "temp" : "power", idx);
	if (attr(path, buf, sizeof buf, &n) != 0 ||
	    powparse_label(buf, n, label, sizeof label) != 0)
		snprintf(label, sizeof label, "%.48s",
			 fname); /* no label: the file */
	snprintf(s->name, sizeof s->name, "hwmon:%.24s/%.48s", chip, label);
	s->kind = kind;
	/* a GPU's own power adds to the total; other hwmon power sensors
	 * may measure what RAPL or the whole machine does */
	s->counted = kind == POWPARSE_HW_POWER && strcmp(chip, "amdgpu") == 0;
	s->fd = hold(s->path);
	p->nhw++;
}

static void hw_chip(power *p, const char *dir)
{
	char path[1024], buf[64], chip[48];
	struct dirent *d;
	size_t n;
	DIR *dp;

	snprintf(path, sizeof path, "%.600s/name", dir);
	if (attr(path, buf, sizeof buf, &n) != 0 ||
	    powparse_label(buf, n, chip, sizeof chip) != 0)
		snprintf(chip, sizeof chip, "?");
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL)
		hw_attr(p, dir, chip, d->d_name);
	closedir(dp);
}

static void hw_open(power *p, const char *root, char *why, size_t wl)
{
	char dir[512], sub[800];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof dir, "%.400s/class/hwmon", root);
	if ((dp = opendir(dir)) == NULL) {
		say(why, wl, "hwmon: %s: %s", dir, strerror(errno));
		return;
	}
	while ((d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, "hwmon", 5) == 0) {
			snprintf(sub, sizeof sub, "%.500s/%.200s", dir,
				 d->d_name);
			hw_chip(p, sub);
		}
	closedir(dp);
	if (p->nhw == 0)
		say(why, wl, "hwmon: no power or temperature sensor in %s",
		    dir);
}

/* A CPU's topology figure (physical_package_id, core_id), or -1. */
static int64_t topo(const char *cpu, const char *what)
{
	char path[1024];
	int64_t v;

	snprintf(path, sizeof path, "%.900s/topology/%s", cpu, what);
	return attr_int(path, &v) == 0 ? v : -1;
}

/* Whether a counter of that name is kept already (a package's count is
 * the same file's figure on each of its CPUs, a core's on each thread). */
static int have_thr(const power *p, const char *name)
{
	int i;

	for (i = 0; i < p->nthr; i++)
		if (strcmp(p->thr[i].name, name) == 0)
			return 1;
	return 0;
}

/* One CPU's throttle counts (thermal_throttle's core_throttle_count and
 * package_throttle_count);
 * the first errno in *err when none can be read. */
static void thr_cpu(power *p, const char *cpu, int n, int *err)
{
	static const char *const kinds[] = {"package", "core"};
	int64_t pkg = topo(cpu, "physical_package_id"),
		core = topo(cpu, "core_id"), v;
	int k, e;

	for (k = 0; k < 2 && p->nthr < THR_MAX; k++) {
		struct counter *c = &p->thr[p->nthr];
		if (k == 0)
			snprintf(c->name, sizeof c->name, "cpu:package-%lld",
				 (long long)(pkg >= 0 ? pkg : n));
		else if (pkg >= 0 && core >= 0)
			snprintf(c->name, sizeof c->name, "cpu:core-%lld.%lld",
				 (long long)pkg, (long long)core);
		else
			snprintf(c->name, sizeof c->name, "cpu:cpu%d", n);
		snprintf(c->path, sizeof c->path,
			 "%.900s/thermal_throttle/%s_throttle_count", cpu,
			 kinds[k]);
		if (have_thr(p, c->name))
			continue;
		if ((e = attr_int(c->path, &v)) != 0 || v < 0) {
			if (*err == 0)
				*err = e ? e : EINVAL;
			continue;
		}
		c->prev = (uint64_t)v;
		c->fd = hold(c->path);
		p->nthr++;
	}
}

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Every CPU's throttle counts (Intel's therm_throt driver), from the
 * lowest CPU number, so a package's and a core's count are its first
 * CPU's; said with the reason when there is none. */
static void thr_open(power *p, const char *root, char *why, size_t wl)
{
	char dir[512], cpu[800];
	struct dirent *d;
	DIR *dp;
	int err = 0, num[1024], n = 0, i;

	snprintf(dir, sizeof dir, "%.400s/devices/system/cpu", root);
	if ((dp = opendir(dir)) == NULL) {
		say(why, wl, "cpu-throttle: %s: %s", dir, strerror(errno));
		return;
	}
	while ((d = readdir(dp)) != NULL && n < 1024)
		if (strncmp(d->d_name, "cpu", 3) == 0 && d->d_name[3] >= '0' &&
		    d->d_name[3] <= '9')
			num[n++] = atoi(d->d_name + 3);
	closedir(dp);
	qsort(num, (size_t)n, sizeof *num, by_int);
	for (i = 0; i < n; i++) {
		snprintf(cpu, sizeof cpu, "%.500s/cpu%d", dir, num[i]);
		thr_cpu(p, cpu, num[i], &err);
	}
	if (p->nthr == 0)
		say(why, wl, "cpu-throttle: %s/cpu*/thermal_throttle: %s", dir,
		    err ? read_why(err, 0)
			: "no CPU (the counts are Intel's therm_throt)");
}

/* The lowest passive trip point of a zone in °C, or -1 (none). */
static double zone_passive(const char *dir)
{
	char path[1024], buf[64];
	size_t n;
	double v, low = -1;
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof path, "%.900s/trip_point_%d_type", dir,
			 i);
		if (attr(path, buf, sizeof buf, &n) != 0)
			break;
		if (powparse_trip_type(buf, n) != POWPARSE_TRIP_PASSIVE)
			continue;
		snprintf(path, sizeof path, "%.900s/trip_point_%d_temp", dir,
			 i);
		if (attr(path, buf, sizeof buf, &n) == 0 &&
		    powparse_hwmon_value(buf, n, POWPARSE_HW_TEMP, &v) == 0 &&
		    (low < 0 || v < low))
			low = v;
	}
	return low;
}

/* One thermal zone: a temperature when it reads now, and where it
 * starts to throttle. */
static void zone_one(power *p, const char *dir, const char *zname)
{
	char buf[96], type[48], path[1024];
	size_t n;
	double v;
	struct zone *z = &p->zone[p->nzone];

	snprintf(z->path, sizeof z->path, "%.900s/temp", dir);
	if (attr(z->path, buf, sizeof buf, &n) != 0 ||
	    powparse_hwmon_value(buf, n, POWPARSE_HW_TEMP, &v) != 0)
		return; /* a zone that reads nothing is no sensor */
	snprintf(path, sizeof path, "%.900s/type", dir);
	if (attr(path, buf, sizeof buf, &n) != 0 ||
	    powparse_label(buf, n, type, sizeof type) != 0)
		snprintf(type, sizeof type, "?");
	snprintf(z->name, sizeof z->name, "thermal:%.24s/%.40s", zname + 8,
		 type); /* "thermal_zone3": "zone3" */
	z->passive = zone_passive(dir);
	z->fd = hold(z->path);
	p->nzone++;
}

/* Every thermal zone, by number (thermal_zone0, 1, …, 10: readdir's order
 * is the directory's, not the numbers'). */
static void zone_open(power *p, const char *root, char *why, size_t wl)
{
	char dir[512], sub[800], zname[32];
	struct dirent *d;
	DIR *dp;
	int num[256], n = 0, i;

	snprintf(dir, sizeof dir, "%.400s/class/thermal", root);
	if ((dp = opendir(dir)) == NULL) {
		say(why, wl, "thermal: %s: %s", dir, strerror(errno));
		return;
	}
	while ((d = readdir(dp)) != NULL && n < 256)
		if (strncmp(d->d_name, "thermal_zone", 12) == 0 &&
		    d->d_name[12] >= '0' && d->d_name[12] <= '9')
			num[n++] = atoi(d->d_name + 12);
	closedir(dp);
	qsort(num, (size_t)n, sizeof *num, by_int);
	for (i = 0; i < n && p->nzone < ZONE_MAX; i++) {
		snprintf(zname, sizeof zname, "thermal_zone%d", num[i]);
		snprintf(sub, sizeof sub, "%.500s/%s", dir, zname);
		zone_one(p, sub, zname);
	}
	if (p->nzone == 0)
		say(why, wl, "thermal: no thermal zone that reads in %s", dir);
}

static void os_open(power *p, const char *root, long interval_ms, char *why,
		    size_t wl)
{
	rapl_open(p, root, why, wl);
	hw_open(p, root, why, wl);
	thr_open(p, root, why, wl);
	zone_open(p, root, why, wl);
	(void)interval_ms;
}

static void rapl_read(power *p, double dt, struct power_reading *r)
{
	int64_t now;
	uint64_t d;
	int i;

	for (i = 0; i < p->nrapl; i++) {
		struct counter *c = &p->rapl[i];
		if (again_int(c->fd, &now) != 0 || now < 0)
			continue;
		if (dt > 1e-3 && powparse_energy_delta(c->prev, (uint64_t)now,
						       c->range, &d) == 0)
			add_fig(r->w, &r->nw, c->name, (double)d / 1e6 / dt, 1);
		c->prev = (uint64_t)now;
	}
}

/* Throttled in the interval when any count rose since the last read. */
static void thr_read(power *p, struct power_reading *r)
{
	int64_t now;
	int i;

	for (i = 0; i < p->nthr; i++) {
		struct counter *c = &p->thr[i];
		if (again_int(c->fd, &now) != 0 || now < 0)
			continue; /* unknown this time: no figure */
		set_throttle(r, powparse_count_rose((int64_t)c->prev, now),
			     c->name);
		c->prev = (uint64_t)now;
	}
}

/* Each zone's temperature; throttled at or above its passive trip. */
static void zone_read(power *p, struct power_reading *r)
{
	char buf[96];
	size_t n;
	double v;
	int i;

	for (i = 0; i < p->nzone; i++) {
		struct zone *z = &p->zone[i];
		if (again(z->fd, buf, sizeof buf, &n) != 0 ||
		    powparse_hwmon_value(buf, n, POWPARSE_HW_TEMP, &v) != 0)
			continue;
		add_fig(r->temp, &r->ntemp, z->name, v, 0);
		if (z->passive >= 0)
			set_throttle(r, v >= z->passive, z->name);
	}
}

static void os_read(power *p, double dt, struct power_reading *r)
{
	char buf[96];
	size_t n;
	double v;
	int i;

	rapl_read(p, dt, r);
	for (i = 0; i < p->nhw; i++) {
		struct sensor *s = &p->hw[i];
		if (again(s->fd, buf, sizeof buf, &n) != 0 ||
		    powparse_hwmon_value(buf, n, s->kind, &v) != 0)
			continue;
		if (s->kind == POWPARSE_HW_POWER)
			add_fig(r->w, &r->nw, s->name, v, s->counted);
		else
			add_fig(r->temp, &r->ntemp, s->name, v, 0);
	}
	thr_read(p, r);
	zone_read(p, r);
	nv_read(p, r);
}
#elif defined(__APPLE__)
/* ---- macOS: pmset -g therm, powermetrics when root --------------------
 */

/* powermetrics, when root and IOReport gave nothing: the same counters
 * through a child that needs sudo. */
static void pm_open(power *p, long interval_ms, char *why, size_t wl)
{
	static char a0[] = "powermetrics";
	static char a1[] = "--samplers";
	static char a2[] = "cpu_power,gpu_power,thermal";
	static char a3[] = "-i";
	char ms[32];
	char *argv[] = {a0, a1, a2, a3, ms, NULL};

	if (geteuid() != 0) {
		say(why, wl, "powermetrics: needs root (sudo memsample)");
		return;
	}
	snprintf(ms, sizeof ms, "%ld", interval_ms < 100 ? 100 : interval_ms);
	if ((p->pid = childrd_spawn(argv, &p->fd)) < 0)
		say(why, wl, "powermetrics: cannot start it: %s",
		    strerror(errno));
}

/* IOReport for power (no privilege), powermetrics only without it; the
 * thermal pressure level through notify(3), the documented C interface
 * (OSThermalNotification.h), and pmset -g therm only without that. */
static void os_open(power *p, const char *root, long interval_ms, char *why,
		    size_t wl)
{
	char w[160];

	(void)root;
	p->notify_tok = -1;
	if ((p->ior = ioreport_open(w, sizeof w)) == NULL) {
		say(why, wl, "ioreport: %s", w);
		pm_open(p, interval_ms, why, wl);
	}
	if (notify_register_check(kOSThermalNotificationPressureLevelName,
				  &p->notify_tok) != 0) {
		p->notify_tok = -1;
		say(why, wl,
		    "thermal-pressure: notify_register_check failed; "
		    "pmset -g therm instead");
	}
}

/* The latest complete powermetrics sample (each opens with "*** Sampled
 * system activity"); the text before the last such mark is complete. */
static void pm_drain(power *p)
{
	static const char mark[] = "*** Sampled system activity";
	ssize_t n;
	size_t i, last = 0, prev = 0;

	while (p->fd >= 0 && (n = read(p->fd, p->buf + p->len,
				       sizeof p->buf - 1 - p->len)) > 0)
		p->len += (size_t)n;
	for (i = 0; i + sizeof mark - 1 <= p->len; i++)
		if (memcmp(p->buf + i, mark, sizeof mark - 1) == 0) {
			prev = last;
			last = i;
		}
	if (last > prev &&
	    powparse_powermetrics(p->buf + prev, last - prev, &p->pm) == 0)
		p->have_pm = 1;
	if (last > 0) {
		memmove(p->buf, p->buf + last, p->len - last);
		p->len -= last;
	}
	if (p->len == sizeof p->buf - 1)
		p->len = 0;
}

/* pmset at most every 2 s (a process start costs milliseconds). */
static void therm_read(power *p, long long now_ns)
{
	char buf[4096];
	size_t n;
	FILE *f;

	if (p->th_ns && now_ns - p->th_ns < 2000000000LL)
		return;
	p->th_ns = now_ns;
	if ((f = popen("pmset -g therm 2>/dev/null", "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof buf - 1, f);
	pclose(f);
	if (powparse_pmset_therm(buf, n, &p->th) != 0)
		p->th.speed_limit = p->th.state = -1;
}

/* IOReport's parts as figures (each in the total, as RAPL's are). */
static void ior_read(power *p, double dt, struct power_reading *r)
{
	static const char *const names[POWPARSE_IOR_N] = {
	    "ioreport:cpu", "ioreport:gpu", "ioreport:ane", "ioreport:dram"};
	double w[POWPARSE_IOR_N];
	int k;

	if (ioreport_read(p->ior, dt, w) < 0)
		return;
	for (k = 0; k < POWPARSE_IOR_N; k++)
		if (w[k] >= 0)
			add_fig(r->w, &r->nw, names[k], w[k], 1);
}

static void pm_read(power *p, struct power_reading *r)
{
	pm_drain(p);
	if (!p->have_pm)
		return;
	if (p->pm.cpu_w >= 0)
		add_fig(r->w, &r->nw, "apple:cpu", p->pm.cpu_w, 1);
	if (p->pm.gpu_w >= 0)
		add_fig(r->w, &r->nw, "apple:gpu", p->pm.gpu_w, 1);
	if (p->pm.ane_w >= 0)
		add_fig(r->w, &r->nw, "apple:ane", p->pm.ane_w, 1);
	r->thermal = p->pm.state;
}

static void os_read(power *p, double dt, struct power_reading *r)
{
	uint64_t level;

	if (p->ior != NULL)
		ior_read(p, dt, r);
	else
		pm_read(p, r);
	nv_read(p, r); /* NULL on a Mac: no NVIDIA GPU runs there */
	if (p->notify_tok >= 0 && notify_get_state(p->notify_tok, &level) == 0)
		r->thermal = powparse_thermal_pressure(level);
	else {
		therm_read(p, p->prev_ns);
		if (r->thermal < 0)
			r->thermal = p->th.state;
		if (p->th.speed_limit >= 0)
			set_throttle(r, p->th.speed_limit < 100,
				     "pmset:CPU_Speed_Limit");
	}
	if (r->thermal >= THERMAL_SERIOUS)
		set_throttle(r, 1, "thermal-state");
}

static void os_close(power *p)
{
	ioreport_close(p->ior);
	if (p->notify_tok >= 0)
		notify_cancel(p->notify_tok);
}
#else
static void os_open(power *p, const char *root, long interval_ms, char *why,
		    size_t wl)
{
	(void)root;
	(void)interval_ms;
	say(why, wl, "power: no source but nvidia-smi is read on this OS");
}

static void os_read(power *p, double dt, struct power_reading *r)
{
	(void)dt;
	nv_read(p, r);
}
#endif

#if defined(__linux__)
static void shut(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Closes every attribute held open. */
static void os_close(power *p)
{
	int i;

	for (i = 0; i < p->nrapl; i++)
		shut(p->rapl[i].fd);
	for (i = 0; i < p->nhw; i++)
		shut(p->hw[i].fd);
	for (i = 0; i < p->nthr; i++)
		shut(p->thr[i].fd);
	for (i = 0; i < p->nzone; i++)
		shut(p->zone[i].fd);
}
#elif !defined(__APPLE__)
static void os_close(power *p)
{
	(void)p;
}
#endif

power *power_open(const char *sysroot, nvsmi *nv, long interval_ms, char *why,
		  size_t whylen)
{
	power *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->nv = nv;
	why[0] = '\0';
	p->fd = -1;
	p->pid = -1;
	os_open(p, sysroot, interval_ms, why, whylen);
	return p;
}

void power_read(power *p, long long mono_ns, struct power_reading *r)
{
	double dt = p->prev_ns ? (double)(mono_ns - p->prev_ns) / 1e9 : 0;

	memset(r, 0, sizeof *r);
	r->thermal = -1;
	r->throttled = -1;
	p->prev_ns = mono_ns;
	os_read(p, dt, r);
}

void power_close(power *p)
{
	if (p == NULL)
		return;
	os_close(p);
	childrd_stop(p->pid, p->fd);
	free(p);
}
