/* childrd: a long-running child whose standard output is read without
 * blocking (nvidia-smi -lms, powermetrics -i), one line or block at a time.
 */
#ifndef TB_CHILDRD_H
#define TB_CHILDRD_H

#include <sys/types.h>

/* Starts argv (found on PATH) with its stdout on a non-blocking,
 * close-on-exec pipe whose read end goes to *fd, stderr to /dev/null.
 * Returns the pid, or -1 with errno set.  Stop it with childrd_stop. */
pid_t childrd_spawn(char *const argv[], int *fd);

/* Ends the child (SIGTERM), reaps it and closes fd; either may be < 0. */
void childrd_stop(pid_t pid, int fd);

#endif
