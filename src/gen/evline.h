/* evline: gen's most frequent event, the tok line, written in one pass. */
#ifndef TB_EVLINE_H
#define TB_EVLINE_H

#include <stddef.h>

/* Longest line evline_tok writes, its newline included. */
#define EVLINE_TOK_MAX 128

/*
 * Writes {"ev":"tok","t":T,"id":ID,"ch":"CH","bytes":N} and a newline into
 * buf (at least EVLINE_TOK_MAX bytes): byte for byte the line that jw
 * builds from ev_open, jw_int, jw_str and jw_int (t_evline checks it),
 * without jw's per-member work, which was a fifth of gen's CPU per event
 * unpaced.  t_ns: the time in nanoseconds on the shared clock (jw_time's
 * rounding).  ch must need no escaping (resp_ch_name's names) and be at
 * most 16 bytes.  Returns the line's length.
 */
size_t evline_tok(char *buf, long long t_ns, long id, const char *ch,
		  long long bytes);

#endif
