/* srvcheck: judges a check-server battery (scripts/check-server.sh): reads
 * each step's events and run JSON from a directory, prints one line per
 * check and "N passed, N failed, N n/a"; src/srvcheck/battery holds the checks.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "args.h"
#include "diag.h"
#include "fileio.h"
#include "jget.h"
#include "ndjson.h"
#include "procmem.h"
#include "battery.h"
#include "verdict.h"
#include "help.h" /* generated from docs/srvcheck.md */

/* Options: one struct. */
static struct options {
	int pid;
	const char *dir;
} opt;

static void usage(int code)
{
	diag_usage(code, tool_synopsis, tool_help);
}

/* A step's events as one array; NULL (with why) when the file is absent,
 * empty or unreadable. */
static cJSON *read_events(const char *path, const char *step, char *why,
			  size_t wn)
{
	FILE *f = fopen(path, "r");
	ndjson_reader *r;
	cJSON *arr, *ev;
	int rc;

	if (f == NULL) {
		snprintf(why, wn, "%.40s.ndjson: %s", step, strerror(errno));
		return NULL;
	}
	if ((r = ndjson_open(f, path, 0)) == NULL ||
	    (arr = cJSON_CreateArray()) == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	ndjson_on_invalid(r, ndjson_warn_skipped, NULL);
	while ((rc = ndjson_next(r, &ev)) == ND_OK)
		cJSON_AddItemToArray(arr, ev);
	if (rc == ND_IOERR)
		diag_die(EXIT_RUNTIME, "%s:%ld: %s", path, ndjson_lineno(r),
			 strerror(errno));
	ndjson_close(r);
	fclose(f);
	if (cJSON_GetArraySize(arr) == 0) {
		snprintf(why, wn, "%.40s.ndjson: empty", step);
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

/* agg's run JSON of a step, or NULL when there is none. */
static cJSON *read_run(const char *path)
{
	size_t len;
	char *text = fileio_slurp(path, 256u << 20, &len);
	cJSON *j;

	if (text == NULL)
		return NULL;
	j = cJSON_ParseWithLength(text, len);
	if (j == NULL)
		diag_die(EXIT_RUNTIME, "%s: not JSON (near byte %ld)", path,
			 (long)(cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - text
						    : 0));
	free(text);
	return j;
}

/* The kernel's high-water marks summed over the processes memsample
 * watched last (its last sample's pids); -1 where the OS does not tell. */
static int64_t hwm_sum(const cJSON *mem, int *nproc)
{
	const cJSON *ev, *pids = NULL, *p;
	struct procmem_usage u;
	int64_t sum = 0;

	cJSON_ArrayForEach(ev, mem) if (jget_path(ev, "proc.pids")) pids =
	    jget_path(ev, "proc.pids");
	*nproc = 0;
	cJSON_ArrayForEach(p, pids)
	{
		if (!cJSON_IsNumber(p) ||
		    procmem_usage((pid_t)p->valuedouble, 0, &u) != 0)
			continue;
		if (u.hwm < 0)
			return -1;
		sum += u.hwm;
		(*nproc)++;
	}
	return *nproc ? sum : -1;
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum { O_SERVER_PID = 256 };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"server-pid", 1, 0, O_SERVER_PID},
	    {"help", 0, 0, 'h'},
	    {"version", 0, 0, 'V'},
	    {0, 0, 0, 0}};
	static struct battery_input in;
	struct battery_result res[BATTERY_NCHECKS];
	char path[4096], name[64], version[128];
	int c, i, pass = 0, fail = 0, na = 0;

	diag_init(argv[0]);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_SERVER_PID:
			opt.pid = (int)args_int("--server-pid", optarg, 1,
						2147483647);
			break;
		case 'h': usage(EXIT_OK); break;
		case 'V': diag_version(TB_VERSION);
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage(EXIT_USAGE);
	opt.dir = argv[optind];
	for (i = 0; i < BATTERY_NSTEPS; i++) {
		struct battery_step_data *d = &in.step[i];
		snprintf(path, sizeof path, "%s/%s.ndjson", opt.dir,
			 battery_step_names[i]);
		d->events = read_events(path, battery_step_names[i], d->why,
					sizeof d->why);
		snprintf(path, sizeof path, "%s/%s.json", opt.dir,
			 battery_step_names[i]);
		d->run = read_run(path);
	}
	if (in.step[BATTERY_BASIC].events == NULL)
		diag_die(EXIT_RUNTIME, "%s: no battery here (%s)", opt.dir,
			 in.step[BATTERY_BASIC].why);
	in.server_pid = opt.pid;
	in.hwm =
	    opt.pid ? hwm_sum(in.step[BATTERY_MEM].events, &in.hwm_procs) : -1;
	battery_run(&in, res);
	battery_server(&in, name, sizeof name, version, sizeof version);
	for (i = 0; i < BATTERY_NCHECKS; i++) {
		printf("check-server: %s %s: %s: %s (%s)\n", name, version,
		       res[i].check, verdict_check_name(res[i].verdict),
		       res[i].text);
		pass += res[i].verdict == VD_CHECK_OK;
		fail += res[i].verdict == VD_CHECK_FAIL;
		na += res[i].verdict == VD_CHECK_NA;
	}
	printf("%d passed, %d failed, %d n/a\n", pass, fail, na);
	for (i = 0; i < BATTERY_NSTEPS; i++) {
		cJSON_Delete(in.step[i].events);
		cJSON_Delete(in.step[i].run);
	}
	if (diag_fshut(stdout, "standard output") != 0)
		return EXIT_RUNTIME;
	return fail ? EXIT_RUNTIME : EXIT_OK;
}
