/* battery: check-server's verdicts (the srvcheck tool).  The battery
 * (scripts/check-server.sh) runs gen and agg against a server in a few steps;
 * this module reads each step's events and run JSON and judges whether
 * tokbench's figures are right for that server: every check compares a figure
 * of agg's with a reference the server or the events give independently
 * (docs/srvcheck.md).  Pure: no file, no network. */
#ifndef TB_BATTERY_H
#define TB_BATTERY_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "verdict.h"

/* The battery's steps, each one gen run (events) and agg's run JSON. */
enum battery_step {
	BATTERY_BASIC,	   /* ignore_eos, max_tokens M, include_usage */
	BATTERY_NATURAL,   /* the same without ignore_eos: natural stops */
	BATTERY_REASONING, /* a reasoning prompt */
	BATTERY_BUST,	   /* a long prompt repeated, cache busting on */
	BATTERY_NOBUST,	   /* the same, busting off */
	BATTERY_NOUSAGE,   /* without stream_options */
	BATTERY_OVERFLOW,  /* a prompt over the context */
	BATTERY_UNKNOWN,   /* a model name no server has */
	BATTERY_HEALTH,	   /* gen --load-only --load-health */
	BATTERY_MEM,	   /* memsample's samples (events only) */
	BATTERY_NSTEPS
};

/* The file stem of each step (basic, natural, ...). */
extern const char *const battery_step_names[BATTERY_NSTEPS];

struct battery_step_data {
	cJSON *events; /* an array of the step's event objects, or NULL */
	cJSON *run;    /* agg's run JSON (with per_request), or NULL */
	char why[160]; /* when events is NULL: why the step has none */
};

struct battery_input {
	struct battery_step_data step[BATTERY_NSTEPS];
	long max_tokens; /* of the basic step's requests */
	int server_pid;	 /* 0: no SERVER_PID given */
	int64_t hwm;   /* the VmHWM sum of memsample's processes; -1 unknown */
	int hwm_procs; /* how many processes it sums */
};

struct battery_result {
	const char *check;
	enum verdict_check verdict;
	char text[640];
};

#define BATTERY_NCHECKS 11

/* Runs every check; out has BATTERY_NCHECKS entries. */
void battery_run(const struct battery_input *in, struct battery_result *out);

/* The server's name and version as the basic step's run event tells
 * them ("llama-server", "b10587-3f545be"). */
void battery_server(const struct battery_input *in, char *name, size_t nn,
		    char *version, size_t vn);

#endif
