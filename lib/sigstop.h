/* sigstop: the signals that end a measurement in order, for tools. */
#ifndef TB_SIGSTOP_H
#define TB_SIGSTOP_H

#include <signal.h>

/*
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP (an ssh session that drops) all ask
 * a tool to stop: it finishes its lines, writes its end event and exits,
 * so nothing measured is lost.  The handler only records the signal and
 * writes a byte to a self-pipe that an event loop can watch.  SIGPIPE is
 * ignored, so that a closed output shows as a write error with a message.
 */

/* Installs the handlers; 0, or -1 with errno when the pipe fails. */
int sigstop_init(void);

/* The signal that arrived (the first), or 0. */
int sigstop_caught(void);

/* The flag itself, for code that polls a volatile sig_atomic_t. */
volatile sig_atomic_t *sigstop_flag(void);

/* The pipe's read end: readable once a signal arrived (-1 before init). */
int sigstop_fd(void);

/* Empties the pipe. */
void sigstop_drain(void);

#endif
