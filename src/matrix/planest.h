/* planest: make matrix's estimate of a plan: how many requests and tokens
 * each entry sends, and the time that takes one request at a time
 * (docs/workflows.md, "Estimate"). */
#ifndef TB_PLANEST_H
#define TB_PLANEST_H

#include <stddef.h>

#include <cJSON.h>

#include "plan.h"

/* Requests, output tokens (at most: the prompts' limits) and prompt tokens
 * (a third of the characters, plus synthetic_tokens). */
struct planest_work {
	long long requests, out, in;
};

/* A prompt set's counts from its JSON text (an object of prompts by name,
 * "_" names left out, or an array of prompts with a "name"): only the
 * names in the comma-separated only ("" or NULL: all), every max_tokens
 * replaced by max_tokens when that is not empty (else 256 where a prompt
 * has none).  w->requests is the number of prompts.  Returns 0, or -1 with
 * why in err when text is no prompt set. */
int planest_set(const char *text, const char *only, const char *max_tokens,
		struct planest_work *w, char *err, size_t n);

/* Entry i's work as make matrix runs it: the standard and extra sets
 * (reps passes after warmup requests), the sweep's levels, the leak soak,
 * llama-bench's tests at their depths (with the requests that count their
 * prompts), ctx, mixed, the capacity search's bound and the context
 * ladder, times the plan's passes (each runs the entry whole).
 * Relative prompt paths are found as given or under root.  Returns 0, or
 * -1 with "plan: [entry] why" in err when a prompt set cannot be read. */
int planest_entry(const struct plan *p, int i, const char *root,
		  struct planest_work *w, char *err, size_t n);

/* How many times the plan runs entry i: its passes, at least 1. */
int planest_passes(const struct plan *p, int i);

/* Measured speeds: medians (the lower middle value) of the single-user
 * runs of model (and quant, unless NULL or "") among runs, the decode and
 * prefill rates' p50 and the successful loads' seconds; NAN where none. */
struct planest_speed {
	double decode_tps, prefill_tps, load_s;
};
void planest_speeds(const cJSON *const *runs, size_t nruns, const char *model,
		    const char *quant, struct planest_speed *s);

/* The same over dir's *.json files (unreadable ones are passed over; no
 * directory: none measured). */
void planest_measured(const char *dir, const char *model, const char *quant,
		      struct planest_speed *s);

/* Hours for w at decode (> 0) and prefill (0 or NAN: not counted) tokens/s
 * with loads loads of load_s seconds each (NAN: 0), rounded to 4 places. */
double planest_hours(const struct planest_work *w, double decode,
		     double prefill, double load_s, long long loads);

/* h as the estimate says it: "35 min" under an hour, else "1.9 h".
 * Returns buf. */
const char *planest_hours_text(double h, char *buf, size_t n);

#endif
