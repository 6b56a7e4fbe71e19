/* powparse: pure parsers of power and heat text (see powparse.h). */
#include "powparse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The text s[0..n) copied into buf with a NUL (cut at len - 1). */
static void cstr(const char *s, size_t n, char *buf, size_t len)
{
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

int powparse_sysfs_int(const char *s, size_t n, int64_t *v)
{
	char buf[32], *end;
	long long x;

	*v = -1;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof buf)
		return -1;
	cstr(s, n, buf, sizeof buf);
	if (!isdigit((unsigned char)buf[0]) && buf[0] != '-')
		return -1;
	x = strtoll(buf, &end, 10);
	if (*end != '\0' || end == buf)
		return -1;
	*v = x;
	return 0;
}

int powparse_label(const char *s, size_t n, char *buf, size_t len)
{
	const char *nl = memchr(s, '\n', n);
	size_t a = 0, b = nl ? (size_t)(nl - s) : n;

	buf[0] = '\0';
	while (a < b && isspace((unsigned char)s[a]))
		a++;
	while (b > a && isspace((unsigned char)s[b - 1]))
		b--;
	if (b == a)
		return -1;
	cstr(s + a, b - a, buf, len);
	return 0;
}

int powparse_energy_delta(uint64_t prev, uint64_t now, uint64_t range,
			  uint64_t *delta)
{
	if (range > 0 && (prev > range || now > range))
		return -1;
	if (now >= prev) {
		*delta = now - prev;
		return 0;
	}
	if (range == 0)
		return -1;
	*delta = (range - prev) + now;
	return 0;
}

int powparse_rapl_counts(const char *zone_name)
{
	return strncmp(zone_name, "package-", 8) == 0 ||
	       strcmp(zone_name, "dram") == 0;
}

int powparse_hwmon_attr(const char *fname, int *index)
{
	static const struct {
		const char *pre, *post;
		int kind;
	} pat[] = {{"power", "_input", POWPARSE_HW_POWER},
		   {"power", "_average", POWPARSE_HW_POWER},
		   {"temp", "_input", POWPARSE_HW_TEMP}};
	size_t i;

	for (i = 0; i < sizeof pat / sizeof *pat; i++) {
		size_t pl = strlen(pat[i].pre);
		const char *p = fname + pl;
		char *end;
		if (strncmp(fname, pat[i].pre, pl) != 0 ||
		    !isdigit((unsigned char)*p))
			continue;
		long k = strtol(p, &end, 10);
		if (strcmp(end, pat[i].post) == 0 && k >= 0 && k < 1000) {
			*index = (int)k;
			return pat[i].kind;
		}
	}
	return 0;
}

int powparse_hwmon_value(const char *s, size_t n, int kind, double *v)
{
	int64_t x;

	*v = -1;
	if (powparse_sysfs_int(s, n, &x) != 0)
		return -1;
	if (kind == POWPARSE_HW_POWER && x >= 0)
		*v = (double)x / 1e6;
	else if (kind == POWPARSE_HW_TEMP && x > -273150)
		*v = (double)x / 1e3;
	else
		return -1;
	return 0;
}

/* ---- macOS ------------------------------------------------------------ */

int powparse_thermal_of(const char *word, size_t len)
{
	/* powermetrics' pressure levels beside ProcessInfo's states. */
	static const struct {
		const char *w;
		int state;
	} words[] = {
	    {"nominal", THERMAL_NOMINAL},   {"fair", THERMAL_FAIR},
	    {"moderate", THERMAL_FAIR},	    {"serious", THERMAL_SERIOUS},
	    {"heavy", THERMAL_SERIOUS},	    {"critical", THERMAL_CRITICAL},
	    {"trapping", THERMAL_CRITICAL}, {"sleeping", THERMAL_CRITICAL}};
	size_t i;

	for (i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i].w) == len &&
		    strncasecmp(word, words[i].w, len) == 0)
			return words[i].state;
	return -1;
}

/* The line of s[0..n) holding needle (anywhere in it): its start and the
 * end of the line, or NULL. */
static const char *line_with(const char *s, size_t n, const char *needle,
			     const char **eol)
{
	size_t nl = strlen(needle), i = 0;

	while (i < n) {
		const char *e = memchr(s + i, '\n', n - i);
		size_t end = e ? (size_t)(e - s) : n, j;
		for (j = i; j + nl <= end; j++)
			if (memcmp(s + j, needle, nl) == 0) {
				*eol = s + end;
				return s + j + nl;
			}
		i = end + 1;
	}
	return NULL;
}

/* The integer after '=' on the line of key; -1 when absent. */
static int eq_int(const char *s, size_t n, const char *key)
{
	const char *eol, *p = line_with(s, n, key, &eol);
	int v = 0, digits = 0;

	if (p == NULL)
		return -1;
	while (p < eol && (*p == ' ' || *p == '\t' || *p == '='))
		p++;
	for (; p < eol && isdigit((unsigned char)*p) && v < 100000; p++)
		v = v * 10 + (*p - '0'), digits++;
	return digits > 0 ? v : -1;
}

int powparse_pmset_therm(const char *s, size_t n, struct powparse_therm *t)
{
	const char *eol, *p;

	t->speed_limit = eq_int(s, n, "CPU_Speed_Limit");
	if (t->speed_limit < 0 &&
	    line_with(s, n, "No CPU power status has been recorded", &eol))
		t->speed_limit = 100;
	t->state = -1;
	if (line_with(s, n, "No thermal warning level has been recorded", &eol))
		t->state = THERMAL_NOMINAL;
	else if ((p = line_with(s, n, "hermal warning level", &eol)) != NULL) {
		int level = 0;
		while (p < eol && !isdigit((unsigned char)*p))
			p++;
		for (; p < eol && isdigit((unsigned char)*p) && level < 1000;
		     p++)
			level = level * 10 + (*p - '0');
		t->state = level >= 10 ? THERMAL_CRITICAL : THERMAL_SERIOUS;
	}
	return t->speed_limit >= 0 || t->state >= 0 ? 0 : -1;
}

/* The figure after "key:" as watts ("1234 mW" or "1.2 W"); -1 absent. */
static double pm_watts(const char *s, size_t n, const char *key)
{
	const char *eol, *p = line_with(s, n, key, &eol);
	char buf[48], *end;
	double v;

	if (p == NULL)
		return -1;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	cstr(p, (size_t)(eol - p), buf, sizeof buf);
	v = strtod(buf, &end);
	if (end == buf || !(v >= 0) || v > 1e9)
		return -1;
	while (*end == ' ')
		end++;
	if (strncmp(end, "mW", 2) == 0)
		return v / 1000;
	return *end == 'W' ? v : -1;
}

int powparse_powermetrics(const char *s, size_t n, struct powparse_pm *p)
{
	const char *eol, *w;

	p->cpu_w = pm_watts(s, n, "CPU Power:");
	p->gpu_w = pm_watts(s, n, "GPU Power:");
	p->ane_w = pm_watts(s, n, "ANE Power:");
	p->combined_w = pm_watts(s, n, "Combined Power (CPU + GPU + ANE):");
	p->state = -1;
	if ((w = line_with(s, n, "Current pressure level:", &eol)) != NULL) {
		while (w < eol && *w == ' ')
			w++;
		size_t k = 0;
		while (w + k < eol && isalpha((unsigned char)w[k]))
			k++;
		p->state = powparse_thermal_of(w, k);
	}
	return p->cpu_w >= 0 || p->gpu_w >= 0 || p->ane_w >= 0 ||
		       p->combined_w >= 0 || p->state >= 0
		   ? 0
		   : -1;
}

int powparse_thermal_pressure(uint64_t level)
{
	static const char *const words[] = {"nominal", "moderate", "heavy",
					    "trapping", "sleeping"};

	if (level >= sizeof words / sizeof *words)
		return -1;
	return powparse_thermal_of(words[level], strlen(words[level]));
}

/* ---- IOReport ------------------------------------------------------------
 * Channel names and units as macmon reads them (tests/fixtures/power/
 * README.md cites the source). */

static int starts(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

static int ends(const char *s, const char *post)
{
	size_t a = strlen(s), b = strlen(post);

	return a >= b && strcmp(s + a - b, post) == 0;
}

int powparse_ior_part(const char *group, const char *channel)
{
	if (strcmp(group, "Energy Model") != 0)
		return -1;
	if (strcmp(channel, "GPU Energy") == 0)
		return POWPARSE_IOR_GPU;
	if (ends(channel, "CPU Energy"))
		return POWPARSE_IOR_CPU;
	if (starts(channel, "ANE"))
		return POWPARSE_IOR_ANE;
	if (starts(channel, "DRAM"))
		return POWPARSE_IOR_DRAM;
	return -1;
}

int powparse_ior_joules(int64_t value, const char *unit, double *joules)
{
	static const struct {
		const char *u;
		double scale;
	} units[] = {{"mJ", 1e-3}, {"uJ", 1e-6}, {"nJ", 1e-9}};
	size_t i, a = 0, b = strlen(unit);

	*joules = -1;
	while (a < b && isspace((unsigned char)unit[a]))
		a++;
	while (b > a && isspace((unsigned char)unit[b - 1]))
		b--;
	if (value < 0)
		return -1;
	for (i = 0; i < sizeof units / sizeof *units; i++)
		if (b - a == 2 && memcmp(unit + a, units[i].u, 2) == 0) {
			*joules = (double)value * units[i].scale;
			return 0;
		}
	return -1;
}

void powparse_ior_init(struct powparse_ior *a)
{
	memset(a, 0, sizeof *a);
}

int powparse_ior_add(struct powparse_ior *a, const char *group,
		     const char *channel, const char *unit, int64_t value)
{
	int k = powparse_ior_part(group, channel);
	double j;

	if (k < 0)
		return 1;
	if (powparse_ior_joules(value, unit, &j) != 0)
		return -1;
	a->j[k] += j;
	a->seen[k] = 1;
	return 0;
}

int powparse_ior_watts(const struct powparse_ior *a, double dt,
		       double w[POWPARSE_IOR_N])
{
	int k, known = 0;

	for (k = 0; k < POWPARSE_IOR_N; k++)
		w[k] = -1;
	if (!(dt > 0))
		return -1;
	for (k = 0; k < POWPARSE_IOR_N; k++)
		if (a->seen[k]) {
			w[k] = a->j[k] / dt;
			known++;
		}
	return known;
}

/* One "group\tchannel\tunit\tvalue" line into a; 0, 1 or -1 as
 * powparse_ior_add, -1 too when the line is not of that form. */
static int ior_line(const char *s, size_t n, struct powparse_ior *a)
{
	char f[4][96];
	const char *p = s, *tab;
	int k;
	int64_t v;

	for (k = 0; k < 4; k++) {
		tab = k < 3 ? memchr(p, '\t', (size_t)(s + n - p)) : s + n;
		if (tab == NULL)
			return -1;
		cstr(p, (size_t)(tab - p), f[k], sizeof f[k]);
		p = tab + (k < 3);
	}
	if (powparse_sysfs_int(f[3], strlen(f[3]), &v) != 0)
		return -1;
	/* a part's channel in a unit that is not energy is left out: the
	 * part stays unknown unless another channel gives it */
	return powparse_ior_add(a, f[0], f[1], f[2], v) == 0 ? 0 : 1;
}

int powparse_ior_text(const char *s, size_t n, struct powparse_ior *a)
{
	size_t i = 0;
	int added = 0;

	while (i < n) {
		const char *e = memchr(s + i, '\n', n - i);
		size_t end = e ? (size_t)(e - s) : n;
		if (end > i && s[i] != '#') {
			int r = ior_line(s + i, end - i, a);
			if (r < 0)
				return -1;
			added += r == 0;
		}
		i = end + 1;
	}
	return added;
}

/* ---- Linux thermal zones and throttle counts ----------------------------
 */

int powparse_trip_type(const char *s, size_t n)
{
	static const char *const types[] = {"active", "passive", "hot",
					    "critical"};
	char buf[16];
	size_t i;

	if (powparse_label(s, n, buf, sizeof buf) != 0)
		return -1;
	for (i = 0; i < sizeof types / sizeof *types; i++)
		if (strcmp(buf, types[i]) == 0)
			return POWPARSE_TRIP_ACTIVE + (int)i;
	return -1;
}

int powparse_count_rose(int64_t prev, int64_t now)
{
	if (prev < 0 || now < 0)
		return -1;
	return now > prev;
}
