/* osparse: pure parsers of operating-system text (see osparse.h). */
#include "osparse.h"

#include <ctype.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finds "key" at the start of a line in s[0..n); returns a pointer just
 * after it, or NULL. */
static const char *line_key(const char *s, size_t n, const char *key)
{
	size_t kl = strlen(key), i = 0;

	while (i + kl <= n) {
		if (memcmp(s + i, key, kl) == 0)
			return s + i + kl;
		const char *nl = memchr(s + i, '\n', n - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - s) + 1;
	}
	return NULL;
}

/* Reads the decimal digits at *p (before end) into *v; returns how many
 * there were, or -1 when the number does not fit in 2^53 (a size no
 * machine has: the text is not what it should be). */
static int digits_at(const char **p, const char *end, int64_t *v)
{
	int n = 0;

	*v = 0;
	for (; *p < end && isdigit((unsigned char)**p); (*p)++, n++) {
		if (*v > (INT64_C(1) << 53) / 10)
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return n;
}

/* The number after key at a line start (skipping blanks), with *after
 * just past its digits; -1 when absent or malformed. */
static int64_t key_num(const char *s, size_t n, const char *key,
		       const char **after)
{
	const char *p = line_key(s, n, key), *end = s + n;
	int64_t v;

	if (p == NULL)
		return -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (digits_at(&p, end, &v) <= 0)
		return -1;
	*after = p;
	return v;
}

/* The number after key, in bytes when followed by "kB"; -1 when absent or
 * malformed. */
static int64_t kb_field(const char *s, size_t n, const char *key)
{
	const char *p, *end = s + n;
	int64_t v = key_num(s, n, key, &p);

	if (v < 0)
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (p + 1 < end && p[0] == 'k' && p[1] == 'B')
		v *= 1024;
	return v;
}

int osparse_proc_stat(const char *s, size_t n, long *ppid, char *comm,
		      size_t commlen)
{
	const char *open = memchr(s, '(', n), *close = NULL, *p;
	char state;
	long pp;

	for (p = s + n; p > s; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (open == NULL || close == NULL || close < open)
		return -1;
	snprintf(comm, commlen, "%.*s", (int)(close - open - 1), open + 1);
	char rest[64];
	size_t rl = (size_t)(s + n - close - 1);
	if (rl >= sizeof rest)
		rl = sizeof rest - 1;
	memcpy(rest, close + 1, rl);
	rest[rl] = '\0';
	if (sscanf(rest, " %c %ld", &state, &pp) != 2)
		return -1;
	*ppid = pp;
	return 0;
}

int osparse_proc_status(const char *s, size_t n, struct osparse_status *st)
{
	st->rss = kb_field(s, n, "VmRSS:");
	st->hwm = kb_field(s, n, "VmHWM:");
	st->anon = kb_field(s, n, "RssAnon:");
	st->file = kb_field(s, n, "RssFile:");
	st->shmem = kb_field(s, n, "RssShmem:");
	st->swap = kb_field(s, n, "VmSwap:");
	/* A zombie or kernel thread has no VmRSS line: that is "no memory". */
	return line_key(s, n, "Name:") ? 0 : -1;
}

int osparse_smaps_pss(const char *s, size_t n, int64_t *pss)
{
	*pss = kb_field(s, n, "Pss:");
	return *pss >= 0 ? 0 : -1;
}

int osparse_meminfo(const char *s, size_t n, struct osparse_meminfo *m)
{
	m->total = kb_field(s, n, "MemTotal:");
	m->free = kb_field(s, n, "MemFree:");
	m->available = kb_field(s, n, "MemAvailable:");
	m->swap_total = kb_field(s, n, "SwapTotal:");
	m->swap_free = kb_field(s, n, "SwapFree:");
	return m->total > 0 ? 0 : -1;
}

int osparse_pid_list(const char *s, size_t n, long *pids, int cap)
{
	size_t i = 0;
	int k = 0;

	while (i < n) {
		const char *p;
		int64_t v;
		int digits;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		p = s + i;
		digits = digits_at(&p, s + n, &v);
		i = (size_t)(p - s);
		if (digits < 0 || v > 2147483647 ||
		    (i < n && !isspace((unsigned char)s[i])))
			return -1;
		if (digits > 0 && k < cap)
			pids[k++] = (long)v;
	}
	return k;
}

/* The columns osparse_nvidia_smi knows, by their --query-gpu names. */
enum nv_col {
	NV_SKIP,
	NV_INDEX,
	NV_NAME,
	NV_USED,
	NV_TOTAL,
	NV_POWER,
	NV_TEMP,
	NV_REASONS
};
#define NV_COLS 12

/* libcsv callbacks: collect the fields of a line, then a GPU per line. */
struct csv_ctx {
	char field[NV_COLS][128];
	enum nv_col col[NV_COLS];
	int ncol, nfield, ngpu, cap, bad;
	struct osparse_gpu *g;
};

static void on_field(void *data, size_t len, void *arg)
{
	struct csv_ctx *c = arg;

	if (c->nfield < NV_COLS)
		snprintf(c->field[c->nfield], sizeof c->field[0], "%.*s",
			 (int)len, (const char *)data);
	c->nfield++;
}

/* A figure of at most max: 0 with *v; 1 for a word (unknown, *v = -1);
 * -1 for a number that is not one or out of [0, max]. */
static int figure(const char *f, double max, double *v)
{
	char *end;

	*v = -1;
	if (!isdigit((unsigned char)*f) && *f != '-' && *f != '+' && *f != '.')
		return 1;
	double x = strtod(f, &end);
	if (end == f || *end != '\0' || !(x >= 0) || x > max)
		return -1;
	*v = x;
	return 0;
}

/* clocks_throttle_reasons.active, "0x0000000000000060": the mask and
 * whether it holds a power or heat reason; a word leaves both -1. */
static int reasons(const char *f, struct osparse_gpu *g)
{
	char *end;

	if (strncmp(f, "0x", 2) != 0)
		return isdigit((unsigned char)*f) ? -1 : 1;
	unsigned long long m = strtoull(f + 2, &end, 16);
	if (*end != '\0' || end == f + 2)
		return -1;
	g->reasons = (int64_t)(m & 0x7fffffffffffffffULL);
	g->throttled = (m & OSPARSE_NV_THROTTLE) != 0;
	return 0;
}

/* One column's field into g; -1 when it is malformed. */
static int nv_set(enum nv_col col, const char *f, struct osparse_gpu *g)
{
	double v;
	char *end;
	int r = 0;

	switch (col) {
	case NV_INDEX:
		g->index = (int)strtol(f, &end, 10);
		return end == f || *end != '\0' || g->index < 0 ? -1 : 0;
	case NV_NAME: snprintf(g->name, sizeof g->name, "%.95s", f); break;
	case NV_USED:
	case NV_TOTAL: /* MiB, at most a TiB-sized GPU many times over */
		r = figure(f, 1e12, &v);
		*(col == NV_USED ? &g->used : &g->total) =
		    r == 0 ? (int64_t)(v * 1048576.0) : -1;
		break;
	case NV_POWER: r = figure(f, 1e9, &g->power_w); break;
	case NV_TEMP: r = figure(f, 1e4, &g->temp_c); break;
	case NV_REASONS: r = reasons(f, g); break;
	case NV_SKIP: break;
	}
	return r < 0 ? -1 : 0;
}

static void on_row(int term, void *arg)
{
	struct csv_ctx *c = arg;
	struct osparse_gpu *g;
	int k;

	(void)term;
	if (c->nfield != c->ncol || c->ngpu >= c->cap) {
		c->bad |= c->nfield != c->ncol;
		c->nfield = 0;
		return;
	}
	g = &c->g[c->ngpu++];
	memset(g, 0, sizeof *g);
	g->index = -1;
	g->used = g->total = g->reasons = -1;
	g->power_w = g->temp_c = -1;
	g->throttled = -1;
	for (k = 0; k < c->ncol; k++)
		if (nv_set(c->col[k], c->field[k], g) != 0)
			c->bad = 1;
	c->nfield = 0;
}

/* The query's field names as columns; -1 when there are too many. */
static int nv_columns(const char *fields, struct csv_ctx *c)
{
	static const struct {
		const char *name;
		enum nv_col col;
	} known[] = {{"index", NV_INDEX},
		     {"name", NV_NAME},
		     {"memory.used", NV_USED},
		     {"memory.total", NV_TOTAL},
		     {"power.draw", NV_POWER},
		     {"temperature.gpu", NV_TEMP},
		     {"clocks_throttle_reasons.active", NV_REASONS},
		     {"clocks_event_reasons.active", NV_REASONS}};
	const char *p = fields;
	size_t i, len;

	for (c->ncol = 0; *p; c->ncol++) {
		if (c->ncol == NV_COLS)
			return -1;
		len = strcspn(p, ",");
		c->col[c->ncol] = NV_SKIP;
		for (i = 0; i < sizeof known / sizeof *known; i++)
			if (strlen(known[i].name) == len &&
			    strncmp(p, known[i].name, len) == 0)
				c->col[c->ncol] = known[i].col;
		p += len + (p[len] == ',');
	}
	return c->ncol > 0 ? 0 : -1;
}

int osparse_nvidia_smi(const char *fields, const char *s, size_t n,
		       struct osparse_gpu *g, int cap)
{
	struct csv_parser p;
	struct csv_ctx c;

	memset(&c, 0, sizeof c);
	c.g = g;
	c.cap = cap;
	if (nv_columns(fields, &c) != 0)
		return -1;
	/* libcsv trims the blank after each ", " separator by default. */
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return -1;
	if (csv_parse(&p, s, n, on_field, on_row, &c) != n)
		c.bad = 1;
	csv_fini(&p, on_field, on_row, &c);
	csv_free(&p);
	return c.bad ? -1 : c.ngpu;
}

int osparse_ioreg_gpu(const char *s, size_t n, int64_t *in_use, char *model,
		      size_t modellen)
{
	static const char key[] = "\"In use system memory\"=";
	const char *end = s + n, *p = s, *m;
	size_t kl = sizeof key - 1;

	*in_use = -1;
	model[0] = '\0';
	for (; p + kl <= end; p++) {
		if (memcmp(p, key, kl) != 0)
			continue;
		/* bounded: the text need not end with a NUL */
		const char *q = p + kl;
		int64_t v;
		if (digits_at(&q, end, &v) > 0)
			*in_use = v;
		break;
	}
	m = line_key(s, n, "      \"model\" = ");
	for (p = s; m == NULL && p < end; p++)
		if ((size_t)(end - p) > 10 &&
		    memcmp(p, "\"model\" = ", 10) == 0)
			m = p + 10;
	if (m != NULL) {
		while (m < end && (*m == '<' || *m == '"'))
			m++;
		size_t k = 0;
		while (m + k < end && m[k] != '"' && m[k] != '\n')
			k++;
		snprintf(model, modellen, "%.*s", (int)k, m);
	}
	return *in_use >= 0 ? 0 : -1;
}

/* A vm_stat counter: "Pages active:   123456." (the key at a line start). */
static int64_t vm_field(const char *s, size_t n, const char *key)
{
	const char *after;

	return key_num(s, n, key, &after);
}

int osparse_vm_stat(const char *s, size_t n, struct osparse_vm_counts *c)
{
	static const char hdr[] = "page size of ";
	const char *end = s + n, *p;

	c->page_size = -1;
	for (p = s; p + sizeof hdr - 1 <= end; p++)
		if (memcmp(p, hdr, sizeof hdr - 1) == 0) {
			p += sizeof hdr - 1;
			if (digits_at(&p, end, &c->page_size) <= 0)
				c->page_size = -1;
			break;
		}
	c->free = vm_field(s, n, "Pages free:");
	c->active = vm_field(s, n, "Pages active:");
	c->inactive = vm_field(s, n, "Pages inactive:");
	c->speculative = vm_field(s, n, "Pages speculative:");
	c->wired = vm_field(s, n, "Pages wired down:");
	c->compressed = vm_field(s, n, "Pages occupied by compressor:");
	/* Bounds keep osparse_darwin_mem's products far from overflow: pages of
	 * at most 1 MiB, at most 2^40 of each kind. */
	if (c->page_size > (1 << 20))
		return -1;
	if (c->active > (INT64_C(1) << 40) || c->wired > (INT64_C(1) << 40) ||
	    c->compressed > (INT64_C(1) << 40))
		return -1;
	return c->page_size > 0 && c->active >= 0 && c->wired >= 0 ? 0 : -1;
}

void osparse_darwin_mem(const struct osparse_vm_counts *c, int64_t total,
			struct osparse_darwin_mem *m)
{
	int64_t page = c->page_size;

	m->wired = c->wired * page;
	m->compressed = (c->compressed > 0 ? c->compressed : 0) * page;
	m->used = c->active * page + m->wired + m->compressed;
	m->available = total - m->used;
}

/* One field of a line: the k-th run of non-blanks, with its length. */
static const char *nth_field(const char *line, const char *end, int k,
			     size_t *len)
{
	const char *p = line;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p == '\n')
			return NULL;
		const char *q = p;
		while (q < end && *q != ' ' && *q != '\t' && *q != '\n')
			q++;
		if (k-- == 0) {
			*len = (size_t)(q - p);
			return p;
		}
		p = q;
	}
}

int osparse_tcp_listeners(const char *s, size_t n, int port,
			  unsigned long *inodes, int cap)
{
	const char *end = s + n, *line = s, *f, *colon;
	size_t len;
	int k = 0;
	char *stop;
	char buf[32];

	if (n < 2 || (f = nth_field(s, end, 0, &len)) == NULL || len != 2 ||
	    strncmp(f, "sl", 2) != 0)
		return -1; /* not the header of /proc/net/tcp */
	while ((line = memchr(line, '\n', (size_t)(end - line))) != NULL) {
		line++;
		const char *local = nth_field(line, end, 1, &len);
		const char *st = nth_field(line, end, 3, &len);
		size_t stlen = len;
		const char *ino = nth_field(line, end, 9, &len);
		if (local == NULL || st == NULL || ino == NULL)
			continue;
		if (stlen != 2 || strncmp(st, "0A", 2) != 0)
			continue;
		colon = memchr(local, ':', (size_t)(st - local));
		if (colon == NULL || len >= sizeof buf)
			continue;
		if (strtol(colon + 1, &stop, 16) != port ||
		    (*stop != ' ' && *stop != '\t'))
			continue;
		memcpy(buf, ino, len);
		buf[len] = '\0';
		unsigned long v = strtoul(buf, &stop, 10);
		if (*stop == '\0' && v > 0 && k < cap)
			inodes[k++] = v;
	}
	return k;
}

unsigned long osparse_socket_inode(const char *link)
{
	char *stop;
	unsigned long v;

	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	v = strtoul(link + 8, &stop, 10);
	return stop[0] == ']' && stop[1] == '\0' ? v : 0;
}
