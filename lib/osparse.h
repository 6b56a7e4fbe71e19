/* osparse: pure parsers of operating-system text (procfs, nvidia-smi, ioreg,
 * vm_stat) and the arithmetic on what they report. */
#ifndef TB_OSPARSE_H
#define TB_OSPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Every parser takes the whole text and its length, never reads files,
 * and returns 0 on success or -1 when the text is not of the expected
 * form; fields it cannot find are left at -1 (or empty). */

/* /proc/PID/stat: the command (between the first '(' and the last ')',
 * which may hold spaces and parentheses) and the parent PID. */
int osparse_proc_stat(const char *s, size_t n, long *ppid, char *comm,
		      size_t commlen);

/* Sizes in bytes from /proc/PID/status. */
struct osparse_status {
	int64_t rss, anon, file, shmem, swap;
	int64_t hwm; /* VmHWM: the kernel's peak resident set */
};
int osparse_proc_status(const char *s, size_t n, struct osparse_status *st);

/* Pss from /proc/PID/smaps_rollup, in bytes. */
int osparse_smaps_pss(const char *s, size_t n, int64_t *pss);

/* /proc/meminfo, in bytes. */
struct osparse_meminfo {
	int64_t total, free, available, swap_total, swap_free;
};
int osparse_meminfo(const char *s, size_t n, struct osparse_meminfo *m);

/* A list of PIDs separated by white space (/proc/PID/task/TID/children).
 * Appends to pids (at most cap) and returns how many were read, or -1. */
int osparse_pid_list(const char *s, size_t n, long *pids, int cap);

/* The socket inodes listening on TCP port in the text of Linux's
 * /proc/net/tcp or /proc/net/tcp6 (state 0A, LISTEN; the local address's
 * port in hex).  Appends up to cap and returns how many, or -1 when the
 * text is not of that form. */
int osparse_tcp_listeners(const char *s, size_t n, int port,
			  unsigned long *inodes, int cap);

/* The inode of a /proc/PID/fd link's target "socket:[12345]", or 0. */
unsigned long osparse_socket_inode(const char *link);

/* The fields memsample asks nvidia-smi for, once for --gpu and --power
 * both (`nvidia-smi --help-query-gpu` defines each). */
#define OSPARSE_NV_FIELDS                                                      \
	"index,name,memory.used,memory.total,power.draw,temperature.gpu,"      \
	"clocks_throttle_reasons.active"

/* NVIDIA's clock-limiting reasons that mean the GPU is held back by heat
 * or power (NVML's nvmlClocksThrottleReason SwPowerCap 0x4, HwSlowdown
 * 0x8, SwThermalSlowdown 0x20, HwThermalSlowdown 0x40, HwPowerBrake 0x80);
 * idle, application clocks, sync boost and display clocks are not. */
#define OSPARSE_NV_THROTTLE 0xECULL

/* One GPU from nvidia-smi; a figure its query did not ask for, or that
 * the GPU reports as a word ("[N/A]", "[Not Supported]"), is -1. */
struct osparse_gpu {
	int index;
	char name[96];
	int64_t used, total; /* bytes (nvidia-smi gives MiB) */
	double power_w;	     /* power.draw */
	double temp_c;	     /* temperature.gpu */
	int64_t reasons;     /* clocks_throttle_reasons.active, a bit mask */
	int throttled;	     /* 1 when a reason above is on, 0, -1 unknown */
};

/* Lines of `nvidia-smi --query-gpu=FIELDS --format=csv,noheader,nounits`,
 * parsed with libcsv: each column is the field named at its place in the
 * comma-separated FIELDS (index and name, memory.used, memory.total,
 * power.draw, temperature.gpu, clocks_throttle_reasons.active or its newer
 * name clocks_event_reasons.active; others are skipped).  Fills up to cap
 * GPUs and returns how many, or -1 when a line is malformed: another
 * number of columns, an index that is not a number, or a number out of
 * its range (a word is unknown, not malformed). */
int osparse_nvidia_smi(const char *fields, const char *s, size_t n,
		       struct osparse_gpu *g, int cap);

/* Apple's GPU from `ioreg -r -d 1 -w 0 -c IOAccelerator`: the
 * PerformanceStatistics "In use system memory" (bytes) and the model. */
int osparse_ioreg_gpu(const char *s, size_t n, int64_t *in_use, char *model,
		      size_t modellen);

/* macOS virtual-memory counters, in pages, as host_statistics64(HOST_VM_INFO64)
 * returns them and `vm_stat` prints them; page_size in bytes. */
struct osparse_vm_counts {
	int64_t page_size, free, active, inactive, speculative, wired,
	    compressed; /* "Pages occupied by compressor" */
};

/* `vm_stat` output: the page size from its header ("(page size of N
 * bytes)") and the counters above.  Returns -1 without the header or the
 * active and wired counts. */
int osparse_vm_stat(const char *s, size_t n, struct osparse_vm_counts *c);

/* macOS system memory from the counters, in bytes: wired, compressed, and
 * used as Activity Monitor's "Memory Used" (app memory, i.e. active pages,
 * plus wired plus compressed); available is total minus used.  procmem
 * computes its macOS figures with this one function. */
struct osparse_darwin_mem {
	int64_t used, available, wired, compressed;
};
void osparse_darwin_mem(const struct osparse_vm_counts *c, int64_t total,
			struct osparse_darwin_mem *m);

#endif
