/* procmem: the memory of processes and of the system, one interface per OS. */
#ifndef TB_PROCMEM_H
#define TB_PROCMEM_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Linux reads procfs; macOS uses libproc, mach and sysctl (no tool is
 * spawned, so sampling stays cheap).  Sizes are bytes; -1 means the OS
 * does not give that figure.
 */

struct procmem_usage {
	int64_t rss;  /* resident set */
	int64_t anon; /* Linux: anonymous resident memory */
	int64_t file; /* Linux: file-backed resident memory (mmapped models) */
	int64_t swap; /* Linux: swapped out */
	int64_t pss;  /* Linux: proportional set size (with want_pss) */
	int64_t footprint; /* macOS: physical footprint (Activity Monitor) */
	int64_t hwm;	   /* Linux: the kernel's peak resident set (VmHWM) */
};

struct procmem_sys {
	int64_t total, used, available, swap_used;
	int64_t wired, compressed; /* macOS */
};

/* Reads one process's memory.  want_pss asks for PSS, which costs a walk
 * of the page tables on Linux.  Returns 0, or -1 with errno: ESRCH when
 * the process is gone, EACCES when it may not be read. */
int procmem_usage(pid_t pid, int want_pss, struct procmem_usage *u);

/* Appends pid's direct children to out (at most cap); returns how many,
 * or -1 with errno ESRCH when pid is gone. */
int procmem_children(pid_t pid, pid_t *out, int cap);

/* Every PID whose command name is name (at most cap); returns how many. */
int procmem_find(const char *name, pid_t *out, int cap);

/* The processes holding a socket that listens on TCP port (IPv4 or
 * IPv6), at most cap; returns how many (0 when none or unknown). */
int procmem_listener(int port, pid_t *out, int cap);

/* 1 if the process exists (zombies count as gone), else 0. */
int procmem_alive(pid_t pid);

/* System memory; returns 0 or -1. */
int procmem_system(struct procmem_sys *s);

/* macOS: the GPU wired-memory limit in MB (0: the OS default), else -1. */
long procmem_wired_limit_mb(void);

#endif
