/* diag: exit codes and the tool-prefixed diagnostics that only tools use. */
#ifndef TB_DIAG_H
#define TB_DIAG_H

#include <stdio.h>

/* The exit codes of every tokbench tool (each tool manual, EXIT STATUS). */
enum {
	EXIT_OK = 0,	  /* success */
	EXIT_RUNTIME = 1, /* runtime failure or bad data */
	EXIT_USAGE = 2	  /* bad command line */
};

#if defined(__GNUC__)
#define TB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TB_PRINTF(a, b)
#endif

/*
 * Library modules never print or exit: they return errors with a position.
 * diag is the one exception, for tools: every message goes to stderr as
 * "prog: message\n" so that it names the tool.
 */

/* Sets the tool name used as prefix (the basename of argv0). */
void diag_init(const char *argv0);

/* The tool name set by diag_init ("tokbench" before it). */
const char *diag_prog(void);

/* Prints "prog: message" to stderr. */
void diag_warn(const char *fmt, ...) TB_PRINTF(1, 2);

/* Prints "prog: message" to stderr and exits with code. */
_Noreturn void diag_die(int code, const char *fmt, ...) TB_PRINTF(2, 3);

/* Flushes and closes f (normally stdout); on a write error prints
 * "prog: name: write error: reason" and returns -1, else 0.  A tool calls
 * it last so that a full disk or a closed pipe changes its exit status. */
int diag_fshut(FILE *f, const char *name);

/* A tool's usage: the synopsis alone on stderr for a usage error (code
 * EXIT_USAGE), or with -h (EXIT_OK) on stdout followed by a blank line and
 * each line of help, a NULL-terminated list (scripts/help.awk makes it
 * from the manual).  Then exits with code. */
_Noreturn void diag_usage(int code, const char *synopsis,
			  const char *const *help);

/* --version: prints "prog version" on stdout and exits 0 (the version is
 * the tool's TB_VERSION, git describe's at build time). */
_Noreturn void diag_version(const char *version);

/* Allocation for tools: like realloc and strdup (NULL s gives ""), but out
 * of memory ends the tool with "prog: out of memory" and exit 1, so no
 * caller can forget the check.  Library code returns errors instead. */
void *diag_xrealloc(void *p, size_t n);
char *diag_xstrdup(const char *s);

#endif
