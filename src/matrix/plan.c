/* plan: make matrix's study plans, parsed and checked (see plan.h). */
#include "plan.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const plan_keys[] = {"model",
				 "model_id",
				 "quant",
				 "backend",
				 "server",
				 "load",
				 "unload",
				 "start",
				 "env",
				 "setup",
				 "labels",
				 "est_tps",
				 "est_prefill_tps",
				 "est_load_s",
				 "capacity",
				 "slo",
				 "capacity_only",
				 "server_name",
				 "base_url",
				 "prompts",
				 "extra",
				 "leak",
				 "ladder",
				 "bench",
				 "bench_depths",
				 "mixed",
				 "loads",
				 "model_file",
				 "load_cold",
				 "reps",
				 "warmup",
				 "sweep",
				 "per_user",
				 "ctx",
				 "ctx_only",
				 "max_tokens",
				 "mem_interval",
				 "timeout_first",
				 "skip",
				 "ignore_eos",
				 "gen_args",
				 "quality",
				 "passes",
				 NULL};
#define NKEYS (sizeof plan_keys / sizeof plan_keys[0] - 1)

/* The values an entry has when neither it nor [defaults] sets them. */
static const struct {
	const char *key, *val;
} builtin[] = {
    {"base_url", "http://localhost:1234/v1"},
    {"prompts", "prompts/std.json"},
    {"reps", "3"},
    {"warmup", "1"},
    {"sweep", "1 2 4 8"},
    {"per_user", "4"},
    {"mem_interval", "100ms"},
    {"capacity_only", "short"},
    {"passes", "1"},
};

struct entry {
	char *name;
	int line;	  /* of its [name] */
	char *val[NKEYS]; /* NULL: not set here */
	int at[NKEYS];	  /* the line that set it */
};

struct plan {
	char *name;
	struct entry defaults;
	struct entry *e;
	int n, cap;
};

static int key_index(const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(plan_keys[i], key) == 0)
			return (int)i;
	return -1;
}

static void fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
}

static void entry_clear(struct entry *e)
{
	size_t k;

	free(e->name);
	for (k = 0; k < NKEYS; k++)
		free(e->val[k]);
}

void plan_free(struct plan *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		entry_clear(&p->e[i]);
	entry_clear(&p->defaults);
	free(p->e);
	free(p->name);
	free(p);
}

/* The line with its comment cut and its ends trimmed, in place. */
static char *trim(char *s)
{
	char *end = strchr(s, '#');

	if (end)
		*end = '\0';
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* "[name]": the name, in place; NULL when the line is no section. */
static char *section_of(char *s)
{
	size_t len = strlen(s), i;

	if (len < 3 || s[0] != '[' || s[len - 1] != ']')
		return NULL;
	for (i = 1; i < len - 1; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("._-", s[i]) == NULL)
			return NULL;
	s[len - 1] = '\0';
	return s + 1;
}

/* "key = value": splits s in place; 0, or -1 when it is no such line. */
static int key_value(char *s, char **key, char **val)
{
	char *q = s;

	while (*q == '_' || (*q >= 'a' && *q <= 'z'))
		q++;
	if (q == s)
		return -1;
	*key = s;
	while (isspace((unsigned char)*q))
		*q++ = '\0';
	if (*q != '=')
		return -1;
	*q++ = '\0';
	while (isspace((unsigned char)*q))
		q++;
	*val = q;
	return 0;
}

static struct entry *find(struct plan *p, const char *name)
{
	int i;

	if (strcmp(name, "defaults") == 0)
		return &p->defaults;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].name, name) == 0)
			return &p->e[i];
	return NULL;
}

/* Starts the entry name at line ln; NULL (err set) when named before. */
static struct entry *begin(struct plan *p, const char *name, int ln, char *err,
			   size_t n)
{
	struct entry *e = find(p, name), *ne;

	if (e && e != &p->defaults) {
		fail(err, n, "%s:%d: [%s] again (first at line %d)", p->name,
		     ln, name, e->line);
		return NULL;
	}
	if (e)
		return e;
	if (p->n == p->cap) {
		ne = realloc(p->e,
			     (size_t)(p->cap ? 2 * p->cap : 16) * sizeof *ne);
		if (ne == NULL) {
			fail(err, n, "%s: out of memory", p->name);
			return NULL;
		}
		p->e = ne;
		p->cap = p->cap ? 2 * p->cap : 16;
	}
	e = &p->e[p->n];
	memset(e, 0, sizeof *e);
	if ((e->name = strdup(name)) == NULL) {
		fail(err, n, "%s: out of memory", p->name);
		return NULL;
	}
	e->line = ln;
	p->n++;
	return e;
}

/* One line of the plan, trimmed; *cur is the entry being read. */
static int parse_line(struct plan *p, char *s, int ln, struct entry **cur,
		      char *err, size_t n)
{
	char *name, *key, *val;
	int k;

	if (*s == '\0')
		return 0;
	if ((name = section_of(s)) != NULL)
		return (*cur = begin(p, name, ln, err, n)) ? 0 : -1;
	if (key_value(s, &key, &val) != 0) {
		fail(err, n, "%s:%d: want 'key = value' or '[name]'", p->name,
		     ln);
		return -1;
	}
	if (*cur == NULL) {
		fail(err, n, "%s:%d: a key before any [section]", p->name, ln);
		return -1;
	}
	if ((k = key_index(key)) < 0) {
		fail(err, n, "%s:%d: unknown key '%s'", p->name, ln, key);
		return -1;
	}
	free((*cur)->val[k]);
	if (((*cur)->val[k] = strdup(val)) == NULL) {
		fail(err, n, "%s: out of memory", p->name);
		return -1;
	}
	(*cur)->at[k] = ln;
	return 0;
}

static int parse_all(struct plan *p, const char *text, char *err, size_t n)
{
	struct entry *cur = NULL;
	const char *s = text;
	char line[8192];
	int ln = 0;

	while (*s) {
		size_t len = strcspn(s, "\n");
		ln++;
		if (len >= sizeof line) {
			fail(err, n, "%s:%d: a line longer than %zu bytes",
			     p->name, ln, sizeof line - 1);
			return -1;
		}
		memcpy(line, s, len);
		line[len] = '\0';
		if (parse_line(p, trim(line), ln, &cur, err, n) != 0)
			return -1;
		s += len + (s[len] == '\n');
	}
	if (p->n == 0) {
		fail(err, n, "%s: no entries", p->name);
		return -1;
	}
	return 0;
}

struct plan *plan_parse(const char *text, const char *name, char *err, size_t n)
{
	struct plan *p = calloc(1, sizeof *p);

	if (p == NULL || (p->name = strdup(name)) == NULL) {
		fail(err, n, "%s: out of memory", name);
		free(p);
		return NULL;
	}
	if (parse_all(p, text, err, n) != 0) {
		plan_free(p);
		return NULL;
	}
	return p;
}

int plan_entries(const struct plan *p)
{
	return p->n;
}

const char *plan_entry(const struct plan *p, int i)
{
	return p->e[i].name;
}

const char *plan_name(const struct plan *p)
{
	return p->name;
}

const char *plan_get(const struct plan *p, int i, const char *key)
{
	int k = key_index(key);
	size_t b;

	if (k < 0)
		return NULL;
	if (p->e[i].val[k])
		return p->e[i].val[k];
	if (p->defaults.val[k])
		return p->defaults.val[k];
	for (b = 0; b < sizeof builtin / sizeof builtin[0]; b++)
		if (strcmp(builtin[b].key, key) == 0)
			return builtin[b].val;
	return "";
}

int plan_line(const struct plan *p, int i, const char *key)
{
	int k = key_index(key);

	if (k < 0)
		return 0;
	return p->e[i].val[k] ? p->e[i].at[k] : p->defaults.at[k];
}

/* "name:line" of entry i's key, "name:?" for a built-in default. */
static const char *where(const struct plan *p, int i, const char *key,
			 char *buf, size_t n)
{
	int ln = plan_line(p, i, key);

	if (ln > 0)
		snprintf(buf, n, "%s:%d", p->name, ln);
	else
		snprintf(buf, n, "%s:?", p->name);
	return buf;
}

/* A count or speed: empty, or digits with at most one point, a digit
 * first. */
static int is_number(const char *v)
{
	int dots = 0;

	if (*v == '\0')
		return 1;
	if (!isdigit((unsigned char)*v))
		return 0;
	for (; *v; v++)
		if (*v == '.')
			dots++;
		else if (!isdigit((unsigned char)*v))
			return 0;
	return dots <= 1;
}

/* Whole numbers separated by blanks (or nothing). */
static int is_levels(const char *v)
{
	for (; *v; v++)
		if (!isdigit((unsigned char)*v) && *v != ' ' && *v != '\t')
			return 0;
	return 1;
}

/* llama-bench's tests (make community): ppN and tgN words, N a whole
 * number from 1. */
static int is_tests(const char *v)
{
	char w[64];

	while (*(v += strspn(v, " \t"))) {
		size_t len = strcspn(v, " \t");
		snprintf(w, sizeof w, "%.*s", (int)(len < 63 ? len : 63), v);
		if (len < 3 || len > 12 ||
		    (strncmp(w, "pp", 2) && strncmp(w, "tg", 2)) ||
		    w[2] < '1' || w[2] > '9' ||
		    strspn(w + 2, "0123456789") != len - 2)
			return 0;
		v += len;
	}
	return 1;
}

/* An environment variable reaches an engine only through a process the
 * plan starts: lms load passes LM Studio a model, its context length, GPU
 * offload, parallelism, TTL and identifier, and no variable (lms
 * src/subcommands/load.ts, lmstudio-ai/lms 0.3.43); a running app or daemon
 * keeps the environment it was started with.  Recording such a setting on
 * runs it never reached would make the report compare a difference that
 * was not there: refused. */
static int check_env(const struct plan *p, int i, char *err, size_t n)
{
	char at[300];

	if (*plan_get(p, i, "env") == '\0' || *plan_get(p, i, "start") != '\0')
		return 0;
	fail(err, n,
	     "%s: [%s] env = %s: no engine would read it: only a server "
	     "the plan starts (start = ...) gets the entry's environment; lms "
	     "load passes LM Studio no variable. Start the engine in the entry "
	     "(start = llama-server ...), or set it where LM Studio itself is "
	     "started",
	     where(p, i, "env", at, sizeof at), p->e[i].name,
	     plan_get(p, i, "env"));
	return -1;
}

static int check_entry(const struct plan *p, int i, char *err, size_t n)
{
	static const char *const numeric[] = {
	    "reps",    "warmup",	  "per_user",	"leak",	    "loads",
	    "est_tps", "est_prefill_tps", "est_load_s", "capacity", NULL};
	static const char *const levels[] = {"sweep", "mixed", "ladder",
					     "bench_depths", NULL};
	static const char *const flags[] = {"quality", "ignore_eos",
					    "load_cold", "skip", NULL};
	const char *const *k;
	char at[300];

	if (check_env(p, i, err, n) != 0)
		return -1;
	if (!is_tests(plan_get(p, i, "bench"))) {
		fail(err, n,
		     "%s: [%s] bench = %s: want llama-bench's tests, ppN or "
		     "tgN (pp512 tg128)",
		     where(p, i, "bench", at, sizeof at), p->e[i].name,
		     plan_get(p, i, "bench"));
		return -1;
	}
	for (k = numeric; *k; k++)
		if (!is_number(plan_get(p, i, *k))) {
			fail(err, n, "%s: [%s] %s = %s: want a number",
			     where(p, i, *k, at, sizeof at), p->e[i].name, *k,
			     plan_get(p, i, *k));
			return -1;
		}
	for (k = flags; *k; k++) { /* a typo would silently mean "no" */
		const char *v = plan_get(p, i, *k);
		if (*v && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			fail(err, n, "%s: [%s] %s = %s: want yes or no",
			     where(p, i, *k, at, sizeof at), p->e[i].name, *k,
			     v);
			return -1;
		}
	}
	for (k = levels; *k; k++) {
		const char *v = plan_get(p, i, *k);
		if (!is_levels(v) &&
		    !(strcmp(*k, "ladder") == 0 && strcmp(v, "default") == 0)) {
			fail(err, n, "%s: [%s] %s = %s: want whole numbers",
			     where(p, i, *k, at, sizeof at), p->e[i].name, *k,
			     v);
			return -1;
		}
	}
	return 0;
}

/* passes: the whole plan's, so one value for every entry: 1 to 9. */
static int check_passes(const struct plan *p, int i, char *err, size_t n)
{
	const char *v = plan_get(p, i, "passes");
	char at[300];

	if (!(strlen(v) == 1 && v[0] >= '1' && v[0] <= '9')) {
		fail(err, n, "%s: [%s] passes = %s: want 1 to 9",
		     where(p, i, "passes", at, sizeof at), p->e[i].name, v);
		return -1;
	}
	if (i > 0 && strcmp(v, plan_get(p, 0, "passes")) != 0) {
		fail(err, n,
		     "%s: [%s] passes = %s: the plan runs its entries %s "
		     "times (set by [%s]); passes belongs in [defaults]",
		     where(p, i, "passes", at, sizeof at), p->e[i].name, v,
		     plan_get(p, 0, "passes"), p->e[0].name);
		return -1;
	}
	return 0;
}

int plan_check(const struct plan *p, char *err, size_t n)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (check_entry(p, i, err, n) != 0 ||
		    check_passes(p, i, err, n) != 0)
			return -1;
	return 0;
}
