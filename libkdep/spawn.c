/*
 * spawn.c - run a program as a launcher runs the compiler: no shell, the
 * same stdin, stdout and stderr, and the signals that end a build passed
 * on to it while the launcher waits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"

extern char **environ;

/* SIGINT and SIGQUIT usually reach the whole process group anyway; a
 * kill aimed at the launcher alone must reach the compiler too. */
static const int fwd[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
			  SIGUSR2};
#define NFWD (sizeof(fwd) / sizeof(fwd[0]))

static volatile sig_atomic_t child;

static void forward(int sig)
{
	if (child > 0)
		kill((pid_t)child, sig);
}

int kdep_spawn(char *const *argv, int *status)
{
	struct sigaction sa, old[NFWD];
	posix_spawnattr_t attr;
	sigset_t block, mask;
	pid_t pid;
	size_t i;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < NFWD; i++)
		sigaddset(&block, fwd[i]);
	/* a signal between the spawn and knowing the child's pid waits,
	 * blocked, and is forwarded once it is known */
	sigprocmask(SIG_BLOCK, &block, &mask);
	/* a signal ignored stays ignored, for the child too; exec resets
	 * the ones caught here */
	for (i = 0; i < NFWD; i++)
		if (sigaction(fwd[i], NULL, &old[i]) == 0 &&
		    old[i].sa_handler != SIG_IGN)
			sigaction(fwd[i], &sa, NULL);
	if ((e = posix_spawnattr_init(&attr)) == 0) {
		posix_spawnattr_setsigmask(&attr, &mask);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
		e = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
		posix_spawnattr_destroy(&attr);
	}
	if (e == 0)
		child = pid;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	while (e == 0 && waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			e = errno;
			break;
		}
	}
	child = 0;
	for (i = 0; i < NFWD; i++)
		sigaction(fwd[i], &old[i], NULL);
	if (e) {
		errno = e;
		return kdep_errno(KDEP_EIO, "cannot run %s", argv[0]);
	}
	return 0;
}
