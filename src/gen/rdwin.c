/* rdwin: the read window (rdwin.h). */
#include "rdwin.h"

void rdwin_init(struct rdwin *w, int64_t max_ns, int64_t now)
{
	*w = (struct rdwin){
	    .max = max_ns > 0 ? max_ns : 0, .start = now, .min_gap = INT64_MAX};
}

void rdwin_chunk(struct rdwin *w, struct rdwin_stream *s, int64_t at)
{
	if (s->in_read > 0 && at == s->last) { /* the same read */
		if (++s->in_read == 2)
			w->merged++, w->merged_total++;
		return;
	}
	if (s->in_read > 0 && at - s->last < w->min_gap)
		w->min_gap = at - s->last;
	s->last = at;
	s->in_read = 1;
	w->reads++;
}

/* The next period's window from the one that ended, len ns long. */
static int64_t judge(const struct rdwin *w, int64_t len, long unstamped)
{
	int64_t win;

	if (unstamped != w->unstamped || w->merged > 0 ||
	    w->min_gap == INT64_MAX)
		return 0;
	win = w->min_gap / 4;
	if (win > w->max)
		win = w->max;
	/* two reads or more expected in a window, at the period's rate */
	if ((double)w->reads * (double)win < 2.0 * (double)len)
		return 0;
	return win;
}

int64_t rdwin_due(struct rdwin *w, int64_t now, long unstamped)
{
	if (w->max == 0)
		return 0;
	if (now - w->start >= RDWIN_PERIOD_NS) {
		w->w = judge(w, now - w->start, unstamped);
		w->start = now;
		w->reads = w->merged = 0;
		w->min_gap = INT64_MAX;
		w->unstamped = unstamped;
	}
	return w->w;
}
