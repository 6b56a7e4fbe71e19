/* rawhttp: a test server that answers every connection with a file's
 * bytes, exactly, headers included: for the responses no real server
 * library would send (a 200 KB header, a malformed status line, a body
 * that contradicts its headers).
 *   rawhttp [-r|-q N] FILE
 * listens on a free loopback port, prints "http://127.0.0.1:PORT/v1",
 * then for each connection reads the request's headers, writes FILE and
 * closes; until SIGTERM.  -r: closes at once, the request's body unread,
 * which resets the connection (a server that refuses a large body before
 * reading it).  -q N: after N connections (gen's probes), a full accept
 * queue until SIGUSR1 (a backlog of 0, filled by a connection of its own
 * before the N-th is answered): the next client's SYN is dropped (Linux's
 * ListenOverflows) and sent again a second later, so its connect takes a
 * second; then it is served.  "plugged" is printed (a second line) once
 * the queue is full. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	char *data, buf[8192];
	long n;
	int s, c, one = 1, plug = -1;
	int reset = argc == 3 && strcmp(argv[1], "-r") == 0;
	int full = argc == 4 && strcmp(argv[1], "-q") == 0;
	long until = full ? atol(argv[2]) : 0, served = 0;
	sigset_t usr1;
	FILE *f;

	if (argc != 2 + reset + 2 * full || (full && until < 1) ||
	    (f = fopen(argv[argc - 1], "rb")) == NULL)
		return 2;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || (data = malloc((size_t)n + 1)) == NULL ||
	    fread(data, 1, (size_t)n, f) != (size_t)n)
		return 1;
	fclose(f);
	signal(SIGPIPE, SIG_IGN);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(s, full ? 0 : 16) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0)
		return 1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("http://127.0.0.1:%d/v1\n", ntohs(a.sin_port));
	fflush(stdout);
	while ((c = accept(s, NULL, NULL)) >= 0) {
		size_t got = 0;
		ssize_t r;
		/* the request's headers (its body, if any, is not read) */
		while (got < sizeof buf - 1 &&
		       (r = read(c, buf + got, sizeof buf - 1 - got)) > 0) {
			got += (size_t)r;
			buf[got] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		/* the queue's one place taken before the N-th is answered */
		if (full && ++served == until) {
			if ((plug = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
			    connect(plug, (struct sockaddr *)&a, sizeof a) != 0)
				return 1;
			printf("plugged\n");
			fflush(stdout);
		}
		for (long off = 0; off < n;) {
			r = write(c, data + off, (size_t)(n - off));
			if (r <= 0)
				break;
			off += r;
		}
		if (reset) {
			close(c);
			continue;
		}
		/* the end of the answer, then what is left of the request (its
		 * body): closing with unread bytes would reset the connection
		 */
		shutdown(c, SHUT_WR);
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){1, 0},
			   sizeof(struct timeval));
		while (read(c, buf, sizeof buf) > 0)
			;
		close(c);
		if (plug >= 0) { /* SIGUSR1 frees the place */
			int sig;
			if (sigwait(&usr1, &sig) != 0)
				return 1;
			close(plug);
			plug = -1;
			if ((c = accept(s, NULL, NULL)) >= 0)
				close(c);
		}
	}
	return 1;
}
