/* pace: when each request starts (see pace.h). */
#include "pace.h"

#include <stdlib.h>

void pace_init(struct pace *s, long warmup, long total, double duration,
	       long conc, int conc_set, double rate, double burstiness,
	       int constant, uint64_t seed, int nprompts)
{
	*s = (struct pace){0};
	s->warmup = warmup;
	s->total = total;
	s->duration = duration;
	s->open = rate > 0;
	s->cap = s->open && !conc_set ? 1L << 30 : conc;
	s->nprompts = nprompts > 0 ? nprompts : 1;
	if (s->open)
		arrival_init(&s->arr, rate, burstiness, constant, seed);
}

void pace_set_warmup(struct pace *s, long warmup)
{
	if (s->warm_launched == 0 && s->launched == 0)
		s->warmup = warmup;
}

/* splitmix64: the next of a seeded sequence */
static uint64_t next_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int pace_shuffle(struct pace *s, uint64_t seed)
{
	s->order = malloc((size_t)s->nprompts * sizeof *s->order);
	s->rng = seed;
	return s->order ? 0 : -1;
}

void pace_free(struct pace *s)
{
	free(s->order);
	s->order = NULL;
}

/* A new order for the next pass (Fisher-Yates). */
static void permute(struct pace *s)
{
	int i, j, t;

	for (i = 0; i < s->nprompts; i++)
		s->order[i] = i;
	for (i = s->nprompts - 1; i > 0; i--) {
		j = (int)(next_rand(&s->rng) % (uint64_t)(i + 1));
		t = s->order[i];
		s->order[i] = s->order[j];
		s->order[j] = t;
	}
}

static int warmup_done(const struct pace *s)
{
	return s->warm_launched >= s->warmup && s->warm_in_flight == 0;
}

static int measured_left(const struct pace *s, int64_t now)
{
	if (s->duration > 0 && s->m_measure_start > 0 &&
	    (double)(now - s->m_measure_start) / 1e9 >= s->duration)
		return 0;
	return s->total < 0 || s->launched < s->total;
}

static int take(struct pace *s, struct pace_launch *l, int64_t due)
{
	if (s->m_measure_start == 0)
		s->m_measure_start = due;
	l->prompt = (int)(s->launched % s->nprompts);
	if (s->order) {
		if (l->prompt == 0)
			permute(s);
		l->prompt = s->order[l->prompt];
	}
	l->rep = s->launched / s->nprompts;
	l->warmup = 0;
	l->m_sched = due;
	s->launched++;
	s->in_flight++;
	return 1;
}

int pace_next(struct pace *s, int64_t now, struct pace_launch *l)
{
	if (s->unreachable)
		return 0;
	if (now < s->m_hold_until) {
		/* arrivals due while backing off are skipped, not bunched */
		if (s->m_next_arrival != 0 &&
		    s->m_next_arrival < s->m_hold_until)
			s->m_next_arrival = s->m_hold_until;
		return 0;
	}
	if (s->in_flight >= s->cap)
		return 0;
	if (s->warm_launched < s->warmup) {
		l->prompt = (int)(s->warm_launched % s->nprompts);
		l->rep = 0;
		l->warmup = 1;
		l->m_sched = now;
		s->warm_launched++;
		s->warm_in_flight++;
		s->in_flight++;
		return 1;
	}
	if (!warmup_done(s))
		return 0;
	if (!s->open)
		return measured_left(s, now) ? take(s, l, now) : 0;
	if (s->m_next_arrival == 0)
		s->m_next_arrival = now;
	if (s->m_next_arrival > now || !measured_left(s, s->m_next_arrival))
		return 0;
	take(s, l, s->m_next_arrival);
	s->m_next_arrival += (int64_t)(arrival_gap(&s->arr) * 1e9);
	return 1;
}

void pace_end(struct pace *s, int warmup, int connect_failed, int answered,
	      int64_t now)
{
	int64_t d;

	s->in_flight--;
	if (warmup)
		s->warm_in_flight--;
	if (answered) {
		s->conn_streak = 0;
		s->ever_answered = 1;
		s->m_hold_until = 0;
	}
	if (!connect_failed)
		return;
	/* 50 ms doubling to 2 s: a refused connection fails in microseconds,
	 * and a closed loop would otherwise refill at once */
	s->conn_streak++;
	d = (int64_t)50000000 << (s->conn_streak < 7 ? s->conn_streak - 1 : 6);
	s->m_hold_until = now + (d < 2000000000 ? d : 2000000000);
	if (!s->ever_answered && s->conn_streak >= PACE_GIVE_UP)
		s->unreachable = 1;
}

int pace_more(const struct pace *s, int64_t now)
{
	return !s->unreachable && (!warmup_done(s) || measured_left(s, now));
}

int64_t pace_wake_at(const struct pace *s, int64_t now)
{
	if (s->m_hold_until > now)
		return s->m_hold_until;
	if (!s->open || !warmup_done(s) || s->m_next_arrival <= now ||
	    !measured_left(s, now))
		return 0;
	return s->m_next_arrival;
}

int pace_cut_by_duration(const struct pace *s)
{
	return s->duration > 0 && (s->total < 0 || s->launched < s->total);
}
