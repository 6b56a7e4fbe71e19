/* evline: the tok line in one pass (see evline.h). */
#include "evline.h"

#include <stdio.h>
#include <string.h>

/* The digits of u at p, returning the end. */
static char *put_u(char *p, unsigned long long u)
{
	char t[24], *q = t + sizeof t;
	size_t n;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	n = (size_t)(t + sizeof t - q);
	memcpy(p, q, n);
	return p + n;
}

/* A signed integer, as jw_int writes it. */
static char *put_i(char *p, long long v)
{
	if (v < 0) {
		*p++ = '-';
		return put_u(p, 0ULL - (unsigned long long)v);
	}
	return put_u(p, (unsigned long long)v);
}

#define LIT(p, s) (memcpy(p, s, sizeof s - 1), p + sizeof s - 1)

size_t evline_tok(char *buf, long long t_ns, long id, const char *ch,
		  long long bytes)
{
	char *p = buf;
	size_t n = strlen(ch);

	p = LIT(p, "{\"ev\":\"tok\",\"t\":");
	if (t_ns >= 0) {
		unsigned long long us = ((unsigned long long)t_ns + 500) / 1000;
		unsigned long long frac = us % 1000000;
		p = put_u(p, us / 1000000);
		*p++ = '.';
		for (int i = 5; i >= 0; i--, frac /= 10)
			p[i] = (char)('0' + frac % 10);
		p += 6;
	} else { /* before 1970, no clock of ours: jw_time's form */
		p += snprintf(p, 32, "%.6f", (double)t_ns / 1e9);
	}
	p = LIT(p, ",\"id\":");
	p = put_i(p, id);
	p = LIT(p, ",\"ch\":\"");
	if (n > 16)
		n = 16;
	memcpy(p, ch, n);
	p += n;
	p = LIT(p, "\",\"bytes\":");
	p = put_i(p, bytes);
	p = LIT(p, "}\n");
	return (size_t)(p - buf);
}
