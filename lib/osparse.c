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

/* libcsv callbacks: collect the fields of a line, then a GPU per line. */
struct csv_ctx {
	char field[8][128];
	int nfield, ngpu, cap, bad;
	struct osparse_gpu *g;
};

static void on_field(void *data, size_t len, void *arg)
{
	struct csv_ctx *c = arg;

	if (c->nfield < 8)
		snprintf(c->field[c->nfield], sizeof c->field[0], "%.*s",
			 (int)len, (const char *)data);
	c->nfield++;
}

/* MiB as bytes; -1 when not a number or not a size any GPU has. */
static int64_t mib(const char *f)
{
	char *end;
	double v = strtod(f, &end);

	if (end == f || !(v >= 0) || v > 1e12)
		return -1;
	return (int64_t)(v * 1048576.0);
}

static void on_row(int term, void *arg)
{
	struct csv_ctx *c = arg;
	struct osparse_gpu *g;
	char *end;

	(void)term;
	if (c->nfield != 5 || c->ngpu >= c->cap) {
		c->bad |= c->nfield != 5;
		c->nfield = 0;
		return;
	}
	g = &c->g[c->ngpu];
	g->index = (int)strtol(c->field[0], &end, 10);
	snprintf(g->name, sizeof g->name, "%.95s", c->field[1]);
	g->used = mib(c->field[2]);
	g->total = mib(c->field[3]);
	g->power_w = strtod(c->field[4], &end);
	if (end == c->field[4])
		g->power_w = -1; /* "[N/A]", "[Not Supported]" */
	if (g->used < 0 || g->total < 0)
		c->bad = 1;
	c->ngpu++;
	c->nfield = 0;
}

int osparse_nvidia_smi(const char *s, size_t n, struct osparse_gpu *g, int cap)
{
	struct csv_parser p;
	struct csv_ctx c;

	memset(&c, 0, sizeof c);
	c.g = g;
	c.cap = cap;
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
