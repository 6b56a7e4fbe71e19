/* memsample: samples the memory of a process tree, the system and the GPU,
 * and with --power the machine's power and heat. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "args.h"
#include "clock.h"
#include "diag.h"
#include "formats.h"
#include "gpumem.h"
#include "jw.h"
#include "nvsmi.h"
#include "pagecache.h"
#include "power.h"
#include "powparse.h"
#include "procmem.h"
#include "sigstop.h"
#include "units.h"
#include "help.h" /* generated from docs/memsample.md */

#define MAX_ROOTS 64
#define MAX_TREE 4096
#define NAME_RESCAN_NS 1000000000LL

/* Options. */
/* Options: one struct. */
static struct options {
	double interval;
	double duration;
	int system, gpu, pss, power;
	int port;	      /* --port: the server listening there */
	const char *sysroot;  /* --sys-root: where sysfs is */
	const char *pc_event; /* --page-cache-event FILE */
	const char *evict;    /* --evict-page-cache FILE (with one -p) */
} opt = {.interval = 0.1, .sysroot = "/sys"};
static pid_t roots[MAX_ROOTS];
static int n_roots;
static const char *names[MAX_ROOTS];
static int n_names;

/* State. */
static jw ew;
static gpumem *gpu;
static nvsmi *nv;	 /* one nvidia-smi for --gpu and --power */
static char nv_why[128]; /* why there is none */
static power *pw;
static char pw_why[1024]; /* the power sources that give nothing, and why */
static long pw_samples;
static long samples, missed;
static int64_t peak_rss = -1;
static int resolved[MAX_ROOTS + 1]; /* per -n name (and --port, last): found */
static int n_pending;		    /* -n names and --port not found yet */
static int told_missing;	    /* said once that they are not there */
static const char *missing(char *buf, size_t len);
static void emit(void);
static int pss_warned;
static int64_t last_scan;
static pid_t denied[MAX_ROOTS]; /* warned about once each */
static int n_denied;

static void usage(int code)
{
	diag_usage(code, tool_synopsis,
		   tool_help); /* both from docs/memsample.md */
}

/* --page-cache: the file's share in the page cache, then exit: whether a
 * model's next load reads it from disk (docs/memsample.md). */
static _Noreturn void page_cache(const char *path)
{
	int64_t bytes, in;

	if (pagecache_resident(path, &bytes, &in) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	printf("%.4f %lld %lld\n", bytes > 0 ? (double)in / (double)bytes : 0,
	       (long long)bytes, (long long)in);
	exit(diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK);
}

/* --page-cache-event: the same figure as one pagecache event on the shared
 * clock, which agg keeps (first and last) as the run's page_cache; with -p
 * also the bytes of it that process has resident in its mappings. */
static _Noreturn void page_cache_event(const char *path)
{
	int64_t bytes, in, mapped = -1;
	int64_t now = clock_mono_ns();

	if (n_roots > 1 || n_names || opt.port)
		diag_die(EXIT_USAGE, "--page-cache-event takes at most one -p");
	if (pagecache_resident(path, &bytes, &in) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	if (n_roots == 1 &&
	    pagecache_mapped((long)roots[0], path, &mapped) != 0)
		diag_die(EXIT_RUNTIME, "%s: pid %ld's mappings of it: %s", path,
			 (long)roots[0],
			 errno == ENOSYS ? "this OS offers no way"
					 : strerror(errno));
	jw_init(&ew);
	jw_obj_open(&ew, NULL);
	jw_str(&ew, "ev", "pagecache");
	jw_num(&ew, "t", clock_to_shared(now), 6);
	jw_str(&ew, "tool", "memsample");
	jw_str(&ew, "file", path);
	jw_int(&ew, "bytes", bytes);
	jw_int(&ew, "resident_bytes", in);
	if (mapped >= 0) {
		jw_int(&ew, "pid", (long long)roots[0]);
		jw_int(&ew, "mapped_bytes", mapped);
	}
	jw_obj_close(&ew);
	if (jw_emit(&ew, stdout, 1) != 0)
		diag_die(EXIT_RUNTIME, "stdout: %s", strerror(errno));
	jw_free(&ew);
	exit(diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK);
}

/* --evict-page-cache: the file out of the -p process's mappings and the
 * page cache, then exit (docs/memsample.md). */
static _Noreturn void evict(const char *path)
{
	int64_t in;
	int n;

	if (n_roots != 1 || n_names || opt.port)
		diag_die(EXIT_USAGE, "--evict-page-cache needs one -p PID");
	if ((n = pagecache_evict((long)roots[0], path, &in)) < 0)
		diag_die(EXIT_RUNTIME, "%s: cannot evict it from pid %ld: %s",
			 path, (long)roots[0],
			 errno == ENOSYS ? "this OS offers no way"
					 : strerror(errno));
	if (n == 0)
		diag_die(EXIT_RUNTIME, "%s: pid %ld does not map it", path,
			 (long)roots[0]);
	/* the kernel skips, without an error, pages it will not page out */
	if (in > 0)
		diag_die(
		    EXIT_RUNTIME,
		    "%s: %lld bytes still in the page cache after evicting "
		    "it from pid %ld (it takes CAP_SYS_NICE and the right "
		    "to write the file)",
		    path, (long long)in, (long)roots[0]);
	exit(EXIT_OK);
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum {
	O_SYSTEM = 256,
	O_GPU,
	O_PSS,
	O_PORT,
	O_PAGE_CACHE,
	O_DROP_PAGE_CACHE,
	O_PC_EVENT,
	O_EVICT,
	O_POWER,
	O_SYS_ROOT
};

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"interval", 1, 0, 'i'},
	    {"pid", 1, 0, 'p'},
	    {"name", 1, 0, 'n'},
	    {"system", 0, 0, O_SYSTEM},
	    {"gpu", 0, 0, O_GPU},
	    {"pss", 0, 0, O_PSS},
	    {"duration", 1, 0, 'd'},
	    {"port", 1, 0, O_PORT},
	    {"help", 0, 0, 'h'},
	    {"version", 0, 0, 'V'},
	    {"page-cache", 1, 0, O_PAGE_CACHE},
	    {"drop-page-cache", 1, 0, O_DROP_PAGE_CACHE},
	    {"page-cache-event", 1, 0, O_PC_EVENT},
	    {"evict-page-cache", 1, 0, O_EVICT},
	    {"power", 0, 0, O_POWER},
	    {"sys-root", 1, 0, O_SYS_ROOT},
	    {0, 0, 0, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "i:p:n:d:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			opt.interval = args_duration("-i", optarg);
			if (opt.interval < 0.001)
				diag_die(EXIT_USAGE, "-i %s: at least 1ms",
					 optarg);
			break;
		case 'd': opt.duration = args_duration("-d", optarg); break;
		case 'p':
			if (n_roots == MAX_ROOTS)
				diag_die(EXIT_USAGE, "more than %d -p",
					 MAX_ROOTS);
			roots[n_roots++] =
			    (pid_t)args_int("-p", optarg, 1, 2147483647);
			break;
		case 'n':
			if (n_names == MAX_ROOTS || *optarg == '\0')
				diag_die(EXIT_USAGE, "-n: want a process name");
			names[n_names++] = optarg;
			break;
		case O_PORT:
			opt.port = (int)args_int("--port", optarg, 1, 65535);
			break;
		case O_SYSTEM: opt.system = 1; break;
		case O_GPU: opt.gpu = 1; break;
		case O_PSS: opt.pss = 1; break;
		case O_POWER: opt.power = 1; break;
		case O_SYS_ROOT: opt.sysroot = optarg; break;
		case O_PAGE_CACHE: page_cache(optarg); break;
		case O_PC_EVENT: opt.pc_event = optarg; break;
		case O_EVICT: opt.evict = optarg; break;
		case O_DROP_PAGE_CACHE:
			if (pagecache_drop(optarg) != 0)
				diag_die(EXIT_RUNTIME,
					 "%s: cannot drop it from the page "
					 "cache: %s",
					 optarg,
					 errno == ENOSYS
					     ? "this OS offers no way"
					     : strerror(errno));
			exit(EXIT_OK);
		case 'h': usage(EXIT_OK); break;
		case 'V': diag_version(TB_VERSION);
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(EXIT_USAGE);
	if (opt.pc_event)
		page_cache_event(opt.pc_event);
	if (opt.evict)
		evict(opt.evict);
	n_pending = n_names + (opt.port > 0);
	if (n_roots == 0 && n_pending == 0 && !opt.gpu && !opt.power)
		opt.system = 1; /* nothing asked: the system at least */
}

/* ---- the process tree -------------------------------------------------- */

static int seen(const pid_t *v, int n, pid_t p)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == p)
			return 1;
	return 0;
}

/* The matches that are not the child of another match: a server and the
 * workers it forked (same name, same socket) are one tree. */
static int tree_roots(pid_t *m, int n)
{
	pid_t kids[1024];
	int i, j, k, c, is_child;

	for (i = k = 0; i < n; i++) {
		is_child = 0;
		for (j = 0; j < n && !is_child; j++) {
			if (j == i)
				continue;
			c = procmem_children(m[j], kids, 1024);
			is_child = c > 0 && seen(kids, c, m[i]);
		}
		if (!is_child)
			m[k++] = m[i];
	}
	return k;
}

/* Watches what -n NAME or --port found, once it is exactly one process
 * tree; more than one is refused with the candidates, since summing
 * strangers' memory gives figures that cannot be true. */
static void pin(const char *what, pid_t *m, int n, int slot)
{
	char list[400];
	size_t len = 0;
	int i, k;

	for (i = k = 0; i < n; i++) /* zombies are gone, whatever their name */
		if (procmem_alive(m[i]))
			m[k++] = m[i];
	if ((n = tree_roots(m, k)) == 0)
		return;
	if (n > 1) {
		for (i = 0; i < n && len < sizeof list - 16; i++)
			len +=
			    (size_t)snprintf(list + len, sizeof list - len,
					     "%s%d", i ? ", " : "", (int)m[i]);
		diag_die(EXIT_RUNTIME,
			 "%s: %d processes match (pid %s); choose one "
			 "with -p PID, or --port PORT for the server of a URL",
			 what, n, list);
	}
	if (n_roots == MAX_ROOTS)
		diag_die(EXIT_RUNTIME, "more than %d processes to watch",
			 MAX_ROOTS);
	roots[n_roots++] = m[0];
	resolved[slot] = 1;
	n_pending--;
}

/* Looks for the -n names and the --port listener not found yet: at start,
 * then at most once a second (a server may start after memsample), since a
 * full scan of the process table costs far more than a sample. */
static void rescan_targets(int64_t now)
{
	pid_t m[MAX_ROOTS * 16];
	char what[300];
	int i, n;

	if (n_pending == 0 || (last_scan && now - last_scan < NAME_RESCAN_NS))
		return;
	last_scan = now;
	for (i = 0; i < n_names; i++) {
		if (resolved[i])
			continue;
		n = procmem_find(names[i], m, (int)(sizeof m / sizeof *m));
		snprintf(what, sizeof what, "-n %s", names[i]);
		pin(what, m, n, i);
	}
	if (opt.port > 0 && !resolved[MAX_ROOTS]) {
		n = procmem_listener(opt.port, m, (int)(sizeof m / sizeof *m));
		snprintf(what, sizeof what, "--port %d", opt.port);
		pin(what, m, n, MAX_ROOTS);
	}
	if (n_pending > 0 && !told_missing++)
		diag_warn("%s: nothing matches (yet); no memory of it is "
			  "sampled until "
			  "it appears",
			  missing(what, sizeof what));
}

/* The -n names and --port not found, for a message. */
static const char *missing(char *buf, size_t len)
{
	size_t k = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n_names && k + 8 < len; i++)
		if (!resolved[i])
			k += (size_t)snprintf(buf + k, len - k, "%s-n %s",
					      k ? ", " : "", names[i]);
	if (opt.port > 0 && !resolved[MAX_ROOTS] && k + 8 < len)
		snprintf(buf + k, len - k, "%s--port %d", k ? ", " : "",
			 opt.port);
	return buf;
}

/* Every live process of the watched trees, found afresh (breadth first). */
static int collect_tree(pid_t *tree)
{
	int n = 0, head = 0, i, k;
	pid_t kids[1024];

	for (i = 0; i < n_roots; i++)
		if (procmem_alive(roots[i]) && !seen(tree, n, roots[i]))
			tree[n++] = roots[i];
	for (; head < n && n < MAX_TREE; head++) {
		k = procmem_children(tree[head], kids, 1024);
		for (i = 0; i < k && n < MAX_TREE; i++)
			if (!seen(tree, n, kids[i]) && procmem_alive(kids[i]))
				tree[n++] = kids[i];
	}
	return n;
}

static void add(int64_t *sum, int64_t v)
{
	if (v < 0)
		return;
	*sum = *sum < 0 ? v : *sum + v;
}

/* Sums the tree's memory into the event; returns how many were read. */
static int write_proc(const pid_t *tree, int n)
{
	int64_t rss = -1, anon = -1, file = -1, swap = -1, pss = -1, fp = -1;
	struct procmem_usage u;
	int i, ok = 0;

	jw_obj_open(&ew, "proc");
	jw_arr_open(&ew, "pids");
	for (i = 0; i < n; i++) {
		if (procmem_usage(tree[i], opt.pss, &u) != 0) {
			/* ESRCH: it exited between listing and reading */
			if (errno == EACCES &&
			    !seen(denied, n_denied, tree[i]) &&
			    n_denied < MAX_ROOTS) {
				denied[n_denied++] = tree[i];
				diag_warn(
				    "process %d: its memory may not be read "
				    "(another user's; run memsample as that "
				    "user "
				    "or root); left out",
				    (int)tree[i]);
			}
			continue;
		}
		jw_int(&ew, NULL, tree[i]);
		ok++;
		add(&rss, u.rss);
		add(&anon, u.anon);
		add(&file, u.file);
		add(&swap, u.swap);
		add(&pss, u.pss);
		add(&fp, u.footprint);
	}
	jw_arr_close(&ew);
	jw_int(&ew, "n", ok);
	if (rss < 0)
		rss = 0;
	if (rss > peak_rss)
		peak_rss = rss;
	jw_int(&ew, "rss_bytes", rss);
	if (anon >= 0)
		jw_int(&ew, "anon_bytes", anon);
	if (file >= 0)
		jw_int(&ew, "file_bytes", file);
	if (swap >= 0)
		jw_int(&ew, "swap_bytes", swap);
	if (pss >= 0)
		jw_int(&ew, "pss_bytes", pss);
	if (fp >= 0)
		jw_int(&ew, "footprint_bytes", fp);
	jw_int(&ew, "peak_rss_bytes", peak_rss);
	jw_obj_close(&ew);
	if (opt.pss && pss < 0 && ok > 0 && !pss_warned++)
		diag_warn("--pss: PSS is not readable here (another user's "
			  "process?); sampling without it");
	return ok;
}

static void write_sys(void)
{
	struct procmem_sys s;

	if (procmem_system(&s) != 0)
		return;
	jw_obj_open(&ew, "sys");
	jw_int(&ew, "total_bytes", s.total);
	jw_int(&ew, "used_bytes", s.used);
	jw_int(&ew, "available_bytes", s.available);
	if (s.swap_used >= 0)
		jw_int(&ew, "swap_used_bytes", s.swap_used);
	if (s.wired >= 0)
		jw_int(&ew, "wired_bytes", s.wired);
	if (s.compressed >= 0)
		jw_int(&ew, "compressed_bytes", s.compressed);
	jw_obj_close(&ew);
}

static void write_gpu(void)
{
	struct gpumem_dev d[GPUMEM_MAX];
	char err[128];
	int n = gpumem_read(gpu, d, err, sizeof err), i;

	if (n < 0)
		diag_die(EXIT_RUNTIME, "--gpu: %s", err);
	jw_arr_open(&ew, "gpu");
	for (i = 0; i < n; i++) {
		jw_obj_open(&ew, NULL);
		jw_int(&ew, "index", d[i].index);
		jw_str(&ew, "name", d[i].name);
		if (d[i].used >= 0)
			jw_int(&ew, "used_bytes", d[i].used);
		if (d[i].total >= 0)
			jw_int(&ew, "total_bytes", d[i].total);
		if (d[i].power_w >= 0)
			jw_num(&ew, "power_w", d[i].power_w, 2);
		if (d[i].wired_limit >= 0)
			jw_int(&ew, "wired_limit_bytes", d[i].wired_limit);
		jw_obj_close(&ew);
	}
	jw_arr_close(&ew);
}

/* The sources that gave nothing, as "source": "reason" (first event). */
static void write_unknown(void)
{
	char *line = pw_why, *nl, *sep;

	jw_obj_open(&ew, "unknown");
	for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if ((sep = strstr(line, ": ")) != NULL) {
			*sep = '\0';
			jw_str(&ew, line, sep + 2);
			*sep = ':';
		}
		*nl = '\n';
	}
	jw_obj_close(&ew);
}

static void write_figs(const char *key, const struct power_fig *f, int n)
{
	int i;

	jw_obj_open(&ew, key);
	for (i = 0; i < n; i++)
		jw_num(&ew, f[i].name, f[i].v, 3);
	jw_obj_close(&ew);
}

/* One power event: only what is known, never a 0 for what is not. */
static void write_power(int64_t now)
{
	struct power_reading r;
	double total = 0;
	int i, counted = 0;

	power_read(pw, now, &r);
	jw_obj_open(&ew, NULL);
	jw_str(&ew, "ev", "power");
	jw_time(&ew, "t", clock_to_shared_ns(now));
	if (pw_samples++ == 0 && pw_why[0])
		write_unknown();
	if (r.nw > 0)
		write_figs("w", r.w, r.nw);
	for (i = 0; i < r.nw; i++)
		if (r.w[i].counted) {
			total += r.w[i].v;
			counted++;
		}
	if (counted > 0) {
		jw_num(&ew, "w_total", total, 3);
		jw_arr_open(&ew, "w_total_of");
		for (i = 0; i < r.nw; i++)
			if (r.w[i].counted)
				jw_str(&ew, NULL, r.w[i].name);
		jw_arr_close(&ew);
	}
	if (r.ntemp > 0)
		write_figs("temp_c", r.temp, r.ntemp);
	if (r.thermal >= 0)
		jw_str(&ew, "thermal", formats_thermal_name(r.thermal));
	if (r.throttled >= 0)
		jw_bool(&ew, "throttled", r.throttled);
	if (r.throttled > 0)
		jw_str(&ew, "throttled_by", r.throttled_by);
	jw_obj_close(&ew);
	emit();
}

static void emit(void)
{
	if (jw_emit(&ew, stdout, 1) != 0)
		diag_die(EXIT_RUNTIME, "stdout: write error: %s",
			 strerror(errno));
}

/* One sample; returns the number of watched processes alive. */
static int sample(int64_t now)
{
	static pid_t tree[MAX_TREE];
	int n = 0, alive = 0;

	rescan_targets(now);
	jw_obj_open(&ew, NULL);
	jw_str(&ew, "ev", "mem");
	jw_time(&ew, "t", clock_to_shared_ns(now));
	if (samples == 0) {
		jw_str(&ew, "format", FMT_EVENTS);
		jw_int(&ew, "version", FMT_EVENTS_VERSION);
		jw_str(&ew, "tool", "memsample");
		jw_str(&ew, "tool_version", TB_VERSION);
		jw_num(&ew, "interval_s", opt.interval, 6);
	}
	/* nothing found (yet), or all of it gone: no proc figures at all,
	 * never a 0 that a reader would take for a measurement */
	if ((n_roots > 0 || n_pending > 0) && (n = collect_tree(tree)) > 0)
		alive = write_proc(tree, n);
	if (opt.system)
		write_sys();
	if (opt.gpu)
		write_gpu();
	jw_obj_close(&ew);
	emit();
	if (pw != NULL)
		write_power(now);
	samples++;
	return alive;
}

static void emit_end(const char *reason)
{
	jw_obj_open(&ew, NULL);
	jw_str(&ew, "ev", "end");
	jw_num(&ew, "t", clock_now(), 6);
	jw_str(&ew, "tool", "memsample");
	jw_str(&ew, "reason", reason);
	jw_int(&ew, "samples", samples);
	jw_int(&ew, "missed", missed);
	if (peak_rss >= 0)
		jw_int(&ew, "peak_rss_bytes", peak_rss);
	jw_obj_close(&ew);
	emit();
}

/* --power: every source this OS offers; those that give nothing are
 * said once here, and named in the first power event. */
static void open_power(void)
{
	char *line, *nl;
	size_t k;

	if ((pw = power_open(opt.sysroot, nv, (long)(opt.interval * 1000),
			     pw_why, sizeof pw_why)) == NULL)
		diag_die(EXIT_RUNTIME, "--power: out of memory");
	k = strlen(pw_why);
	if (nv == NULL && k + 1 < sizeof pw_why)
		snprintf(pw_why + k, sizeof pw_why - k, "nvidia: %s\n", nv_why);
	for (line = pw_why; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		const char *sep = strstr(line, ": ");
		if (sep != NULL && sep < nl)
			diag_warn("--power: %.*s unknown: %.*s",
				  (int)(sep - line), line, (int)(nl - sep - 2),
				  sep + 2);
	}
}

/* Every -p must exist when sampling starts. */
static void check_roots(void)
{
	int i;

	for (i = 0; i < n_roots; i++)
		if (!procmem_alive(roots[i]))
			diag_die(EXIT_RUNTIME, "-p %d: no such process",
				 (int)roots[i]);
}

/* Watching ends when every watched process has exited (with -n and
 * --port, once what they name was found and none of it is left). */
static int watched_gone(int alive)
{
	if (n_roots == 0)
		return 0;
	return alive == 0;
}

/* Samples on an absolute schedule start + k * interval, so the work of
 * sampling never makes the interval drift; slots that passed while a
 * sample ran late are skipped and counted as missed. */
static const char *run(void)
{
	int64_t start = clock_mono_ns(), step = (int64_t)(opt.interval * 1e9);
	int64_t k = 0, now;

	for (;;) {
		now = clock_mono_ns();
		if (watched_gone(sample(now)))
			return "exited";
		if (opt.duration > 0 &&
		    (double)(now - start) / 1e9 >= opt.duration)
			return "duration";
		now = clock_mono_ns();
		k++;
		if (start + k * step <= now) {
			int64_t behind = (now - start) / step + 1;
			missed += behind - k;
			k = behind;
		}
		while (!sigstop_caught() &&
		       clock_sleep_until(start + k * step) != 0)
			;
		if (sigstop_caught())
			return "signal";
	}
}

int main(int argc, char **argv)
{
	char err[160];
	const char *reason;

	clock_init();
	diag_init(argv[0]);
	parse_args(argc, argv);
	check_roots();
	if (sigstop_init() != 0) /* SIGINT, SIGTERM, SIGHUP end it in order */
		diag_die(EXIT_RUNTIME, "pipe: %s", strerror(errno));
	jw_init(&ew);
	/* one nvidia-smi, asked for every field, serves both */
	if (opt.gpu || opt.power)
		nv = nvsmi_open((long)(opt.interval * 1000), nv_why,
				sizeof nv_why);
	if (opt.gpu && (gpu = gpumem_open((long)(opt.interval * 1000), nv, err,
					  sizeof err)) == NULL)
		diag_die(EXIT_RUNTIME, "--gpu: %s", nv == NULL ? nv_why : err);
	if (opt.power)
		open_power();
	reason = run();
	emit_end(reason);
	gpumem_close(gpu);
	power_close(pw);
	nvsmi_close(nv);
	jw_free(&ew);
	if (diag_fshut(stdout, "stdout") != 0)
		return EXIT_RUNTIME;
	if (n_pending > 0) { /* what it was asked to watch never existed */
		diag_warn("%s: no process ever matched: nothing of the "
			  "server's memory "
			  "was sampled",
			  missing(err, sizeof err));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}
