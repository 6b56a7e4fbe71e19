/* bareread: the least a client spends to read each chunk of a stream as
 * it arrives with the calls gen makes, for bench-self's comparison with a
 * Python client (issue #33): gen's figure beside that floor.
 *   bareread URL C N TOKENS
 * sends N streaming chat requests for TOKENS tokens each to URL
 * ("http://127.0.0.1:PORT/v1", loopback only), C at a time on C kept-alive
 * connections (as gen and the Python client keep theirs), and reads them
 * as gen's own transport does: one readiness wait (epoll on Linux, poll
 * elsewhere) and one recvmsg per ready socket, the kernel's receive time
 * asked for on Linux as gen asks.  Nothing is parsed and nothing is
 * written while an answer runs: a read that ends with the chunked body's
 * last chunk ("\r\n0\r\n\r\n", which the server sends last) ends the
 * answer, whose chunks with a choice are then counted, and the connection
 * takes the next request.
 * Prints "chunks reads cpu_s": the chunks counted, the reads that
 * returned data, and the process's CPU (user + system) over the loop.
 * Exit 0; 1 on a failed connect, send or read, a connection closed
 * mid-answer, an answer whose status is not 200, no data for 30 s, or no
 * chunk counted at all; 2 on bad arguments. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#else
#include <poll.h>
#endif

/* An answer of 100 tokens is about 20 KB; one that does not fit is an
 * error, not a truncation. */
#define ANSWER_MAX (1 << 20)
/* A wait with no data this long ends the run (a server that stopped). */
#define WAIT_MS 30000

struct conn {
	int fd;
	size_t len;
	char *buf;
};

static struct sockaddr_in addr;
static char req[1024];
static size_t req_len;
static long chunks, reads;
static int started, total; /* requests sent, and to send */

static void die(const char *what)
{
	fprintf(stderr, "bareread: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *why)
{
	fprintf(stderr, "bareread: %s\n", why);
	exit(1);
}

static void send_req(struct conn *k)
{
	if (write(k->fd, req, req_len) != (ssize_t)req_len)
		die("send");
	k->len = 0;
}

static void open_conn(struct conn *k)
{
	int one = 1;

	k->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (k->fd < 0)
		die("socket");
#ifdef SO_TIMESTAMPNS
	setsockopt(k->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
#else
	(void)one;
#endif
	if (connect(k->fd, (struct sockaddr *)&addr, sizeof addr) != 0)
		die("connect");
	send_req(k);
}

/* The data events of one whole answer that carry a choice (the role's
 * chunk included, the usage chunk and [DONE] not): what gen's tok events
 * and the Python client's chunks count. */
static long count_chunks(char *p, size_t n)
{
	char *d, *end, *ch;
	long c = 0;

	p[n] = '\0';
	while ((d = strstr(p, "data: {")) != NULL) {
		end = strstr(d, "\n\n");
		if (end != NULL)
			*end = '\0';
		ch = strstr(d, "\"choices\":[{");
		c += ch != NULL;
		if (end == NULL)
			break;
		p = end + 2;
	}
	return c;
}

/* Reads what is there; 1 while the answer goes on, 0 at its end. */
static int read_some(struct conn *k)
{
	static const char last[] = "\r\n0\r\n\r\n";
	char cbuf[128];
	struct iovec v = {k->buf + k->len, ANSWER_MAX - 1 - k->len};
	struct msghdr m = {.msg_iov = &v,
			   .msg_iovlen = 1,
			   .msg_control = cbuf,
			   .msg_controllen = sizeof cbuf};
	ssize_t r;

	if (v.iov_len == 0)
		fail("an answer above 1 MiB");
	r = recvmsg(k->fd, &m, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (r < 0)
		die("recv");
	if (r == 0)
		fail("the server closed a connection mid-answer");
	k->len += (size_t)r;
	reads++;
	/* the status line, once its first bytes are in */
	if (k->len >= 13 && k->len - (size_t)r < 13 &&
	    strncmp(k->buf, "HTTP/1.1 200 ", 13) != 0)
		fail("an answer whose status is not 200");
	if (k->len < sizeof last - 1 ||
	    memcmp(k->buf + k->len - (sizeof last - 1), last,
		   sizeof last - 1) != 0)
		return 1;
	chunks += count_chunks(k->buf, k->len);
	return 0;
}

/* An answer has ended: the connection takes the next request (1), or is
 * closed when none is left (0). */
static int next_answer(struct conn *k)
{
	if (started < total) {
		send_req(k);
		started++;
		return 1;
	}
	close(k->fd);
	return 0;
}

static double cpu_now(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec +
	       ((double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	char body[512];
	int port, c, tokens, open_n = 0, bl;
	struct conn *k;
	double cpu0, cpu;

	if (argc != 5 ||
	    sscanf(argv[1], "http://127.0.0.1:%d/v1", &port) != 1 ||
	    (c = atoi(argv[2])) < 1 || (total = atoi(argv[3])) < 1 ||
	    (tokens = atoi(argv[4])) < 1) {
		fprintf(stderr, "usage: bareread http://127.0.0.1:PORT/v1 C N "
				"TOKENS\n");
		return 2;
	}
	if (c > total)
		c = total;
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bl = snprintf(body, sizeof body,
		      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
		      "\"content\":\"x\"}],\"max_tokens\":%d,\"stream\":true,"
		      "\"stream_options\":{\"include_usage\":true}}",
		      tokens);
	req_len = (size_t)snprintf(req, sizeof req,
				   "POST /v1/chat/completions HTTP/1.1\r\n"
				   "Host: 127.0.0.1:%d\r\n"
				   "Content-Type: application/json\r\n"
				   "Content-Length: %d\r\n\r\n%s",
				   port, bl, body);
	/* a server that closes a kept-alive connection fails the next send
	 * (EPIPE: exit 1), not the process */
	signal(SIGPIPE, SIG_IGN);
	k = calloc((size_t)c, sizeof *k);
	if (k == NULL)
		die("calloc");
	for (int i = 0; i < c; i++)
		if ((k[i].buf = malloc(ANSWER_MAX)) == NULL)
			die("malloc");
	cpu0 = cpu_now();
#ifdef __linux__
	int ep = epoll_create1(0);
	struct epoll_event evs[256];

	if (ep < 0)
		die("epoll_create1");
	for (int i = 0; i < c; i++, started++, open_n++) {
		struct epoll_event e = {.events = EPOLLIN, .data.ptr = &k[i]};

		open_conn(&k[i]);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, k[i].fd, &e) != 0)
			die("epoll_ctl");
	}
	while (open_n > 0) {
		int r = epoll_wait(ep, evs, 256, WAIT_MS);

		if (r < 0 && errno != EINTR)
			die("epoll_wait");
		if (r == 0)
			fail("no data for 30 s");
		for (int i = 0; i < r; i++) {
			struct conn *q = evs[i].data.ptr;

			if (!read_some(q) && !next_answer(q))
				open_n--;
		}
	}
	close(ep);
#else
	struct pollfd *p = calloc((size_t)c, sizeof *p);

	if (p == NULL)
		die("calloc");
	for (int i = 0; i < c; i++, started++, open_n++) {
		open_conn(&k[i]);
		p[i] = (struct pollfd){.fd = k[i].fd, .events = POLLIN};
	}
	while (open_n > 0) {
		int r = poll(p, (nfds_t)c, WAIT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll");
		if (r == 0)
			fail("no data for 30 s");
		for (int i = 0; i < c; i++) {
			if (p[i].fd < 0 ||
			    !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!read_some(&k[i]) && !next_answer(&k[i]))
				open_n--, p[i].fd = -1;
		}
	}
	free(p);
#endif
	cpu = cpu_now() - cpu0;
	if (chunks == 0)
		fail("no chunk with a choice in any answer");
	printf("%ld %ld %.6f\n", chunks, reads, cpu);
	for (int i = 0; i < c; i++)
		free(k[i].buf);
	free(k);
	return 0;
}
