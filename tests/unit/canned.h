/* canned: a canned HTTP peer forked by a unit test: each path answered
 * with its status and body (404 "{}" for any other), one request a
 * connection, on a loopback port, until stopped. */
#ifndef TB_CANNED_H
#define TB_CANNED_H

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* One canned answer: a path, its status and its body. */
struct canned {
	const char *path;
	int status;
	const char *body;
};

static void canned_answer(int c, const struct canned *t, int n)
{
	char req[4096], path[512] = "", head[256];
	ssize_t got = read(c, req, sizeof req - 1);
	const struct canned *a = NULL;

	if (got <= 0)
		return;
	req[got] = '\0';
	sscanf(req, "%*s %511s", path);
	for (int i = 0; i < n; i++)
		if (strcmp(t[i].path, path) == 0)
			a = &t[i];
	snprintf(head, sizeof head,
		 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 a ? a->status : 404, a ? strlen(a->body) : 2);
	(void)!write(c, head, strlen(head));
	(void)!write(c, a ? a->body : "{}", a ? strlen(a->body) : 2);
}

/* A child answering the table on a loopback port until killed; the port
 * into *port.  Returns its pid, or -1. */
static pid_t canned_peer(const struct canned *t, int n, int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), c;
	pid_t pid;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	if ((pid = fork()) == 0) {
		while ((c = accept(fd, NULL, NULL)) >= 0) {
			canned_answer(c, t, n);
			close(c);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

static void canned_stop(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

#endif
