/* memhog: a test process that holds known amounts of touched memory.
 *   memhog SECONDS SIZE [CHILD_SIZE [GRANDCHILD_SIZE]]
 * allocates and touches SIZE, forks a child holding CHILD_SIZE which forks
 * a grandchild holding GRANDCHILD_SIZE, prints "ready" when all are, and
 * lives SECONDS (or until SIGTERM, which each generation passes on to the
 * next, so that stopping the first stops the tree).  A SIZE of PEAK/SIZE
 * first touches PEAK and frees it: a process whose peak is in the past. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "units.h"

static char *hold(const char *size)
{
	uint64_t n;
	char *p, peak[64];
	uint64_t i;
	const char *slash = strchr(size, '/');

	if (slash != NULL && (size_t)(slash - size) < sizeof peak) {
		memcpy(peak, size, (size_t)(slash - size));
		peak[slash - size] = '\0';
		free(hold(peak)); /* large: mmapped, so freeing returns it */
		size = slash + 1;
	}
	if (units_bytes(size, &n) != UNITS_OK || n == 0)
		exit(2);
	p = malloc(n);
	if (p == NULL)
		exit(1);
	for (i = 0; i < n; i += 4096)
		p[i] = (char)i;
	return p;
}

static volatile pid_t child;

static void on_term(int sig)
{
	if (child > 0)
		kill(child, sig);
	_exit(0);
}

int main(int argc, char **argv)
{
	int pipefd[2], depth, i;
	pid_t pid = 0;
	char c;

	if (argc < 3)
		return 2;
	if (pipe(pipefd) != 0)
		return 1;
	/* Each generation forks the next before it touches its own memory,
	 * so no page is shared copy-on-write and each RSS is its own size. */
	signal(SIGTERM, on_term);
	for (depth = 0; depth + 3 < argc; depth++) {
		child = 0;
		if ((pid = fork()) != 0) {
			child = pid;
			break;
		}
	}
	hold(argv[depth + 2]);
	if (write(pipefd[1], "x", 1) != 1)
		return 1;
	if (depth == 0) {
		for (i = 0; i + 2 < argc; i++)
			if (read(pipefd[0], &c, 1) != 1)
				return 1;
		printf("ready\n");
		fflush(stdout);
	}
	sleep((unsigned)atoi(argv[1]));
	if (depth + 3 < argc)
		wait(NULL);
	return 0;
}
