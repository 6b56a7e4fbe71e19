/* diag: tool-prefixed diagnostics and the checked close of stdout. */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "tokbench";

void diag_init(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	prog = slash ? slash + 1 : argv0;
}

const char *diag_prog(void)
{
	return prog;
}

static void vwarn(const char *fmt, va_list ap)
{
	/* One fprintf of a pre-formatted line keeps concurrent writers to the
	 * same stderr from interleaving within a message. */
	char buf[2048];

	vsnprintf(buf, sizeof buf, fmt, ap);
	fprintf(stderr, "%s: %s\n", prog, buf);
}

void diag_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void diag_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

int diag_fshut(FILE *f, const char *name)
{
	int err = 0;

	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno ? errno : EIO;
	if (err == 0)
		return 0;
	diag_warn("%s: write error: %s", name, strerror(err));
	return -1;
}

void *diag_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	return q;
}

char *diag_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (d == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	return d;
}

void diag_version(const char *version)
{
	printf("%s %s\n", prog, version);
	exit(diag_fshut(stdout, "stdout") == 0 ? EXIT_OK : EXIT_RUNTIME);
}

void diag_usage(int code, const char *synopsis, const char *const *help)
{
	FILE *f = code == EXIT_OK ? stdout : stderr;

	fputs(synopsis, f);
	if (code == EXIT_OK && help != NULL) {
		putchar('\n');
		for (; *help != NULL; help++)
			puts(*help);
	}
	exit(code);
}
