/* srvfig: the server's own figures in a done event (llama-server timings,
 * LM Studio stats, Ollama durations, vLLM metrics), each put on the client's
 * definition where the server's differs (docs/metrics.md, "The server's own
 * figures"): the one place agg and srvcheck read them. */
#ifndef TB_SRVFIG_H
#define TB_SRVFIG_H

#include <cJSON.h>

struct srvfig {
	double decode_tps; /* decode steps after the first token per second; -1:
			      none */
	double prefill_tps; /* prompt tokens per second of prefill; -1: none */
	double ttft_s; /* from the request to the first token, by the server;
			  -1: none */
	const char
	    *source; /* what decode_tps came from, in words; NULL: none */
};

/* Reads the figures of one done event (NULL: none).  Nothing is kept:
 * source is a static string. */
void srvfig_read(const cJSON *done, struct srvfig *f);

#endif
