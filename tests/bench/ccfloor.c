/*
 * ccfloor - the floor of a compiler launcher that lists per-symbol
 * dependencies without a cache: run the compiler, wait, then read whole
 * every file its depfile (-MF FILE) lists - no scan, no output.
 *
 *	ccfloor COMPILER ARGS...
 *
 * Linked like tools/kdep, so that it is a floor for `kdep cc`.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *buf;
static size_t cap;

/* path read whole into buf; its length, or -1 */
static long slurp(const char *path)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	for (;;) {
		if (cap - n < 4096 &&
		    !(buf = realloc(buf, cap = cap ? 2 * cap : 65536)))
			exit(3);
		if ((r = read(fd, buf + n, cap - n - 1)) <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (long)n;
}

int main(int argc, char **argv)
{
	const char *dep = NULL;
	char *text, *p, *w;
	pid_t pid;
	int i, st;

	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-MF") == 0)
			dep = argv[i + 1];
	if (argc < 2 || posix_spawnp(&pid, argv[1], NULL, NULL, argv + 1,
				     environ) != 0)
		return 127;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	if (!dep || slurp(dep) < 0 || !(text = strdup(buf)))
		return 1;
	/* words; targets (ending in ':') and continuations skipped */
	for (p = text; (w = strtok(p, " \t\r\n")); p = NULL) {
		size_t n = strlen(w);

		if (n && w[n - 1] != ':' && strcmp(w, "\\") != 0)
			slurp(w);
	}
	return 0;
}
