/* capsearch: the next level of a capacity search (docs/workflows.md). */
#include "capsearch.h"

#include <math.h>
#include <string.h>

/* The most users that held and the fewest that broke so far. */
static void bounds(const struct cap_level *lv, int n, int *lo, int *hi)
{
	int i;

	*lo = 0;
	*hi = 0;
	for (i = 0; i < n; i++) {
		if (lv[i].st == VD_SLO_HELD && lv[i].users > *lo)
			*lo = lv[i].users;
		if (lv[i].st == VD_SLO_BROKE && (*hi == 0 || lv[i].users < *hi))
			*hi = lv[i].users;
	}
}

static void done(struct cap_step *out, int lo, int hi, int und)
{
	out->act = CAP_DONE;
	out->users = 0;
	out->holds = lo;
	out->breaks = hi;
	out->undecided = und;
}

void cap_next(const struct cap_level *lv, int n, int max_users,
	      struct cap_step *out)
{
	int lo, hi, last_tries = 0, i;

	memset(out, 0, sizeof *out);
	bounds(lv, n, &lo, &hi);
	if (n > 0 && lv[n - 1].st == VD_SLO_UNDECIDED) {
		for (i = 0; i < n; i++)
			last_tries += lv[i].users == lv[n - 1].users;
		if (last_tries >= 2) {
			done(out, lo, hi, lv[n - 1].users);
			return;
		}
		out->act = CAP_RERUN;
		out->users = lv[n - 1].users;
		return;
	}
	if (hi == 0) { /* nothing broke yet: double */
		if (lo >= max_users) {
			done(out, lo, 0, 0);
			return;
		}
		out->act = CAP_RUN;
		out->users =
		    lo == 0 ? 1 : (lo * 2 > max_users ? max_users : lo * 2);
		return;
	}
	if (hi - lo <= 1) {
		done(out, lo, hi, 0);
		return;
	}
	out->act = CAP_RUN;
	out->users = lo + (hi - lo) / 2;
}

int cap_max_levels(int max_users)
{
	int dbl = 1, bis = 0, u;

	for (u = 1; u < max_users; u *= 2)
		dbl++; /* 1, 2, 4, ... max_users */
	for (u = max_users / 2 > 1 ? max_users / 2 : 1; u > 1; u = (u + 1) / 2)
		bis++; /* the last doubling's gap halved to 1 */
	/* each level may be run twice when undecided the first time */
	return 2 * (dbl + bis);
}

long cap_passes(int users, long need, long per_user, long np, int rerun)
{
	long want = (long)users * per_user;

	if (want < need)
		want = need;
	if (rerun)
		want *= 2;
	if (np < 1)
		np = 1;
	return (want + np - 1) / np;
}

long cap_max_requests(int max_users, long need, long per_user, long np)
{
	long sum = 0, per;
	int u, levels = cap_max_levels(max_users) / 2, dbl = 0;

	if (np < 1)
		np = 1;
	for (u = 1;; u = u * 2 > max_users ? max_users : u * 2) {
		sum += (cap_passes(u, need, per_user, np, 0) +
			cap_passes(u, need, per_user, np, 1)) *
		       np;
		dbl++;
		if (u >= max_users)
			break;
	}
	/* the bisection's levels lie below max_users */
	per = (cap_passes(max_users, need, per_user, np, 0) +
	       cap_passes(max_users, need, per_user, np, 1)) *
	      np;
	return sum + (long)(levels - dbl) * per;
}

/* The last p50 of level u among the n, or NAN. */
static double p50_at(const struct cap_lat *l, int n, int u)
{
	double v = NAN;
	int i;

	for (i = 0; i < n; i++)
		if (l[i].users == u)
			v = l[i].p50;
	return v;
}

void cap_knee(const struct cap_lat *l, int n, int *below, int *at)
{
	int lo = 0, i, u, next;
	double base;

	*below = *at = 0;
	for (i = 0; i < n; i++)
		if (lo == 0 || l[i].users < lo)
			lo = l[i].users;
	base = p50_at(l, n, lo);
	/* the levels tried, from the fewest up */
	for (u = lo; u > 0; u = next) {
		next = 0;
		for (i = 0; i < n; i++)
			if (l[i].users > u && (next == 0 || l[i].users < next))
				next = l[i].users;
		if (p50_at(l, n, u) > CAP_KNEE * base) {
			*at = u;
			return;
		}
		*below = u;
	}
}
