/* Unit tests for src/llmsim/simsrv: the engine answers a streamed completion on
 * its profile's schedule and logs every token (the client is a child
 * process: the engine runs in this one's event loop). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/http.h>

#include "tap.h"

#include "simsrv.h"

static struct sim_profile prof;
static pid_t child;
static struct event_base *base;

static const struct sim_profile *find(const char *id)
{
	return id && strcmp(id, prof.id) == 0 ? &prof : NULL;
}

static void fatal(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

static void on_request(struct evhttp_request *req, void *arg)
{
	(void)arg;
	simsrv_completion(req, SIM_CHAT);
}

/* Ends the loop once the client has its answer. */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	int st;

	(void)fd, (void)what, (void)arg;
	if (waitpid(child, &st, WNOHANG) == child)
		event_base_loopexit(base, NULL);
}

/* The client: one request, the whole answer to the file. */
static void client(int port, const char *out)
{
	const char *body =
	    "{\"model\":\"m\",\"stream\":true,\"max_tokens\":3,"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port)};
	char req[512], buf[4096];
	FILE *f = fopen(out, "w");
	int s = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (f == NULL || connect(s, (struct sockaddr *)&a, sizeof a) != 0)
		_exit(1);
	snprintf(req, sizeof req,
		 "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
		 "Content-Type: application/json\r\nConnection: close\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
	if (write(s, req, strlen(req)) < 0)
		_exit(1);
	while ((n = read(s, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, f);
	fclose(f);
	_exit(0);
}

static void test_stream(void)
{
	char out[] = "/tmp/t_simsrv.XXXXXX", logp[64], text[8192];
	struct evhttp *http;
	struct evhttp_bound_socket *bs;
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	struct event *tick;
	FILE *log, *f;
	size_t n;
	int fd = mkstemp(out), chunks = 0;

	close(fd);
	snprintf(logp, sizeof logp, "%s.log", out);
	sim_profile_default(&prof);
	snprintf(prof.id, sizeof prof.id, "m");
	log = fopen(logp, "w");
	base = event_base_new();
	http = evhttp_new(base);
	CHECK_INT(
	    simsrv_init(base, &(struct simsrv_opts){.reasoning_field =
							"reasoning_content",
						    .seed = 42,
						    .fault_rate = 1,
						    .log = log,
						    .log_path = logp,
						    .find_profile = find,
						    .fatal = fatal,
						    .warn = fatal}),
	    0);
	simsrv_set_model(&prof, 0);
	evhttp_set_gencb(http, on_request, NULL);
	bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&a,
		    &len);
	if ((child = fork()) == 0)
		client(ntohs(a.sin_port), out);
	tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	event_add(tick, &(struct timeval){0, 10000});
	event_base_dispatch(base);
	event_free(tick);
	simsrv_stop();
	evhttp_free(http);
	simsrv_free();
	event_base_free(base);
	fclose(log);
	/* the answer: an SSE stream of three tokens, then [DONE] */
	f = fopen(out, "r");
	n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	CHECK(strstr(text, "HTTP/1.1 200") == text);
	CHECK(strstr(text, "text/event-stream") != NULL);
	/* a role chunk (empty content), three tokens, the finish */
	for (const char *p = text; (p = strstr(p, "\"content\":\"")) != NULL;
	     p++)
		chunks += p[11] != '"';
	CHECK_INT(chunks, 3);
	CHECK(strstr(text, "\"finish_reason\":\"length\"") != NULL);
	CHECK(strstr(text, "data: [DONE]") != NULL);
	/* the ground truth: the request and each token */
	f = fopen(logp, "r");
	n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	CHECK(strstr(text, "\"what\":\"req\"") != NULL);
	chunks = 0;
	for (const char *p = text;
	     (p = strstr(p, "\"ch\":\"content\",\"n\":1")) != NULL; p++)
		chunks++;
	CHECK_INT(chunks, 3);
	CHECK(strstr(text, "\"what\":\"done\"") != NULL);
	unlink(out);
	unlink(logp);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(test_stream);
	return DONE();
}
