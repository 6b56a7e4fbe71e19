/* Unit tests for src/gen/probe against a canned HTTP peer forked here:
 * llama-server found by its /props (context, version, model size from
 * /v1/models), /health's status, and nothing answering at all. */
#include "tap.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

/* One canned answer: a path, its status and its body. */
struct canned {
	const char *path;
	int status;
	const char *body;
};

static void answer(int c, const struct canned *t, int n)
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
static pid_t peer(const struct canned *t, int n, int *port)
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
			answer(c, t, n);
			close(c);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

static void stop(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static void test_llamacpp(void)
{
	static const struct canned t[] = {
	    {"/props", 200,
	     "{\"default_generation_settings\":{\"n_ctx\":8192},"
	     "\"build_info\":\"b7000-abc1234\",\"model_path\":\"/m/"
	     "tiny.gguf\"}"},
	    {"/v1/models", 200,
	     "{\"data\":[{\"id\":\"tiny\",\"meta\":{\"size\":123456789,"
	     "\"n_ctx_train\":32768}}]}"},
	    {"/health", 503, "{\"error\":{\"message\":\"Loading model\"}}"},
	};
	char base[64];
	struct probe p;
	struct srv_info in;
	int port = 0;
	pid_t pid = peer(t, 3, &port);

	CHECK(pid > 0);
	if (pid <= 0)
		return;
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	probe_init(&p, base, "", "tiny", NULL);
	CHECK_INT(probe_detect(&p, &in), 0);
	CHECK_INT(in.kind, SRV_LLAMACPP);
	CHECK_STR(probe_kind_name(in.kind), "llamacpp");
	CHECK_INT(in.ctx, 8192);
	CHECK_INT(in.ctx_train, 32768);
	CHECK_STR(in.version, "b7000-abc1234");
	CHECK_STR(in.model, "/m/tiny.gguf");
	CHECK(in.model_bytes == 123456789);
	CHECK_INT(in.simulated, 0);
	CHECK_INT(probe_health(&p), 503);
	stop(pid);
}

static void test_nothing(void)
{
	struct probe p;
	struct srv_info in;
	int port = 0;
	pid_t pid = peer(NULL, 0, &port); /* a port, then nobody on it */

	CHECK(pid > 0);
	if (pid <= 0)
		return;
	stop(pid);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	probe_init(&p, base, "", "m", NULL);
	CHECK_INT(probe_detect(&p, &in), -1);
	CHECK_INT(in.kind, SRV_UNKNOWN);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_llamacpp);
	RUN(test_nothing);
	curl_global_cleanup();
	return DONE();
}
