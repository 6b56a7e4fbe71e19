/* plan: a study plan of make matrix (plans/NAME.conf, docs/workflows.md),
 * parsed and checked, each entry's values with the defaults applied. */
#ifndef TB_PLAN_H
#define TB_PLAN_H

#include <stddef.h>

/*
 * A plan is INI-like: "[name]" starts an entry ("[defaults]" the values
 * every entry inherits), "key = value" sets one of the keys below, "#"
 * starts a comment, blank lines are skipped.  Every error names the file
 * and, where there is one, the line: "plans/x.conf:12: unknown key 'modle'".
 */

struct plan;

/* The keys a plan may set, in the order plan_get's callers list them;
 * NULL-terminated. */
extern const char *const plan_keys[];

/* Parses text, the plan file called name (kept for messages), and returns
 * a new plan (release it with plan_free); NULL with "name:line: why" in
 * err (n bytes) when a line is malformed, a key unknown or set before any
 * section, an entry named twice, or when there is no entry at all. */
struct plan *plan_parse(const char *text, const char *name, char *err,
			size_t n);

/* Checks what no single line shows, on every entry (skipped or not): an
 * env without a start (no engine the plan starts would read it), a count
 * or speed that is not a number, a list of levels (sweep, mixed, ladder,
 * bench_depths) that holds something other than whole numbers, bench
 * tests that are not llama-bench's (ppN, tgN), passes that is not 1 to 9
 * or not the same for every entry (it is the plan's).  Returns 0, or -1 with
 * "name:line: [entry] why" in err. */
int plan_check(const struct plan *p, char *err, size_t n);

/* The number of entries ([defaults] is none) and the name of entry i (in
 * the plan's order), owned by the plan. */
int plan_entries(const struct plan *p);
const char *plan_entry(const struct plan *p, int i);

/* Entry i's value of key: its own, else [defaults]', else the built-in
 * default ("" when there is none); NULL for a key not in plan_keys.
 * Owned by the plan. */
const char *plan_get(const struct plan *p, int i, const char *key);

/* The line that set entry i's key (its own, else [defaults]'), 0 when the
 * value is the built-in default. */
int plan_line(const struct plan *p, int i, const char *key);

/* The file name given to plan_parse. */
const char *plan_name(const struct plan *p);

/* Releases p (NULL is fine). */
void plan_free(struct plan *p);

#endif
