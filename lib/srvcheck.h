/* srvcheck: check-server's verdicts.  The battery (scripts/check-server.sh)
 * runs gen and agg against a server in a few steps; this module reads each
 * step's events and run JSON and judges whether tokbench's figures are
 * right for that server: every check compares a figure of agg's with a
 * reference the server or the events give independently
 * (docs/srvcheck.md).  Pure: no file, no network. */
#ifndef TB_SRVCHECK_H
#define TB_SRVCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* The battery's steps, each one gen run (events) and agg's run JSON. */
enum sc_step {
	SC_BASIC,      /* ignore_eos, max_tokens M, include_usage */
	SC_NATURAL,    /* the same without ignore_eos: natural stops */
	SC_REASONING,  /* a reasoning prompt */
	SC_BUST,       /* a long prompt repeated, cache busting on */
	SC_NOBUST,     /* the same, busting off */
	SC_NOUSAGE,    /* without stream_options */
	SC_OVERFLOW,   /* a prompt over the context */
	SC_UNKNOWN,    /* a model name no server has */
	SC_HEALTH,     /* gen --load-only --load-health */
	SC_MEM,        /* memsample's samples (events only) */
	SC_NSTEPS
};

/* The file stem of each step (basic, natural, ...). */
extern const char *const sc_step_names[SC_NSTEPS];

struct sc_step_data {
	cJSON *events;   /* an array of the step's event objects, or NULL */
	cJSON *run;      /* agg's run JSON (with per_request), or NULL */
	char why[160];   /* when events is NULL: why the step has none */
};

struct sc_input {
	struct sc_step_data step[SC_NSTEPS];
	long max_tokens;       /* of the basic step's requests */
	int server_pid;        /* 0: no SERVER_PID given */
	int64_t hwm;           /* the VmHWM sum of memsample's processes; -1 unknown */
	int hwm_procs;         /* how many processes it sums */
};

enum sc_verdict { SC_OK, SC_FAIL, SC_NA };

struct sc_result {
	const char *check;
	enum sc_verdict verdict;
	char text[480];
};

#define SC_NCHECKS 11

/* Runs every check; out has SC_NCHECKS entries. */
void sc_run(const struct sc_input *in, struct sc_result *out);

/* The server's name and version as the basic step's run event tells
 * them ("llama-server", "b10587-3f545be"). */
void sc_server(const struct sc_input *in, char *name, size_t nn,
	       char *version, size_t vn);

const char *sc_verdict_name(enum sc_verdict v);

#endif
