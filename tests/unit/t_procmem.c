/* Unit tests for lib/procmem on the running OS: this process's memory
 * grows by what it touches, a forked child is found as a child, by name
 * and as the listener of its port, and is gone once reaped; the system's
 * figures are consistent.  (The OS text it parses is tested from captured
 * fixtures in t_osparse.) */
#include "tap.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procmem.h"

#define MB (1024 * 1024)

static void test_self(void)
{
	struct procmem_usage a, b;
	size_t n = 64 * MB;
	char *p;

	CHECK_INT(procmem_usage(getpid(), 0, &a), 0);
	CHECK(a.rss > 0);
	p = malloc(n);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	memset(p, 1, n); /* touched: resident */
	CHECK_INT(procmem_usage(getpid(), 0, &b), 0);
	/* at least most of the 64 MiB more (a sanitizer adds, never removes) */
	CHECK(b.rss - a.rss >= (int64_t)(n * 9 / 10));
	CHECK(b.hwm == -1 || b.hwm >= b.rss);
	free(p);
	CHECK(procmem_alive(getpid()));
}

/* A child that listens on a loopback port, then waits to be killed. */
static pid_t listener(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), pfd[2];
	pid_t pid;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(fd, 1) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0 || pipe(pfd) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	if ((pid = fork()) == 0) {
		close(pfd[1]);
		char c;
		(void)!read(pfd[0], &c, 1); /* until the parent closes it */
		_exit(0);
	}
	close(fd); /* the child holds the listening socket */
	close(pfd[0]);
	return pid < 0 ? -1 : pid;
}

static void test_child(void)
{
	pid_t kids[64], found[64];
	int port = 0, n, i, seen = 0, status;
	pid_t pid = listener(&port);

	CHECK(pid > 0);
	if (pid <= 0)
		return;
	n = procmem_children(getpid(), kids, 64);
	for (i = 0; i < n; i++)
		seen |= kids[i] == pid;
	CHECK(seen);
	n = procmem_listener(port, found, 64);
	CHECK(n >= 1);
	CHECK(n >= 1 && found[0] == pid);
	CHECK(procmem_alive(pid));
	/* by name: this program's, which the forked child shares */
	n = procmem_find("t_procmem", found, 64);
	for (i = 0, seen = 0; i < n; i++)
		seen += found[i] == pid || found[i] == getpid();
	CHECK_INT(seen, 2);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK(!procmem_alive(pid));
	struct procmem_usage u;
	CHECK_INT(procmem_usage(pid, 0, &u), -1);
}

static void test_system(void)
{
	struct procmem_sys s;

	CHECK_INT(procmem_system(&s), 0);
	CHECK(s.total > 64 * (int64_t)MB);
	CHECK(s.used > 0 && s.used <= s.total);
	CHECK(s.available > 0 && s.available <= s.total);
	CHECK(s.swap_used >= 0);
}

int main(void)
{
	RUN(test_self);
	RUN(test_child);
	RUN(test_system);
	return DONE();
}
