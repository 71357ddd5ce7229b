/*
 * maxrss - run a program and print its peak resident set size in KiB.
 *
 *	maxrss PROGRAM [ARG...]   prints "KIB STATUS", the program's output
 *	                          going to /dev/null
 *
 * Linux carries a process's peak RSS across exec, so a program started by
 * a big parent (python, a shell) inherits the parent's peak.  Linked
 * statically, this launcher is a few hundred KiB: what it passes on to
 * its child is small, and measured by the baseline in rss.py.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct rusage ru;
	int st, fd;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: maxrss PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return 2;
	printf("%ld %d\n", ru.ru_maxrss,
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
