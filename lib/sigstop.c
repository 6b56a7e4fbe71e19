/* sigstop: stop signals, a flag and a self-pipe (see sigstop.h). */
#include "sigstop.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static int pipefd[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	char c = 1;

	if (caught == 0)
		caught = sig;
	if (pipefd[1] >= 0 && write(pipefd[1], &c, 1) < 0) {
		/* a full pipe is fine: the flag is set */
	}
	errno = saved;
}

int sigstop_init(void)
{
	struct sigaction sa;
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	size_t i;

	if (pipefd[0] < 0) {
		if (pipe(pipefd) != 0)
			return -1;
		for (i = 0; i < 2; i++) {
			fcntl(pipefd[i], F_SETFL, O_NONBLOCK);
			fcntl(pipefd[i], F_SETFD, FD_CLOEXEC);
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* A write blocked on a full pipe resumes after the handler instead of
	 * failing with EINTR, which lost the events still to write; sleeps
	 * and polls still return early (they are never restarted). */
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int sigstop_caught(void)
{
	return caught;
}

volatile sig_atomic_t *sigstop_flag(void)
{
	return &caught;
}

int sigstop_fd(void)
{
	return pipefd[0];
}

void sigstop_drain(void)
{
	char buf[16];

	while (pipefd[0] >= 0 && read(pipefd[0], buf, sizeof buf) > 0)
		;
}
