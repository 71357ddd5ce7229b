/*
 * floor - the system-call floor of a fixdep run.
 *
 *	floor read DEPFILE TARGET CMDLINE
 *	floor stat DEPFILE TARGET CMDLINE
 *
 * Called like fixdep (after the mode word), it reads the depfile and then
 * does the least any fixdep must do with each prerequisite listed - and
 * nothing else: no scanning, no output.  "read": read it whole (open,
 * read to EOF into one reused buffer, close), as any run without a cache
 * must.  "stat": stat() it, as a cache keyed by stat data must.  Linked
 * like tools/fixdep.  The benchmark shows how close ours and upstream's
 * come to these.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *buf;
static size_t cap;

static int statonly;

/*
 * Read path whole into buf (or only stat it); its length or -1.  The
 * least a safe read can do: open, read into a reused buffer until read()
 * says EOF, close - a short read is not trusted to be the end.
 */
static long slurp(const char *path)
{
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd;

	if (statonly)
		return stat(path, &st) < 0 ? -1 : 0;
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? 2 * cap : 65536;
			if (!(buf = realloc(buf, cap)))
				exit(3);
		}
		if ((r = read(fd, buf + n, cap - n - 1)) <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return r < 0 ? -1 : (long)n;
}

int main(int argc, char *argv[])
{
	char *dep, *p, *w;
	size_t len;
	long n;
	int bad = 0;

	if (argc != 5)
		return 2;
	if ((n = slurp(argv[2])) < 0)
		return 2;
	statonly = strcmp(argv[1], "stat") == 0;
	if (!(dep = malloc((size_t)n + 1)))
		return 3;
	memcpy(dep, buf, (size_t)n);
	dep[n] = '\0';
	/* words separated by blanks and backslash-newlines; "x:" is a target */
	for (p = dep; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
			p++;
		for (w = p; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++)
			;
		if ((len = (size_t)(p - w)) == 0)
			continue;
		if (*p)
			*p++ = '\0';
		if (w[len - 1] != ':' && slurp(w) < 0)
			bad = 1;
	}
	free(dep);
	free(buf);
	return bad ? 2 : 0;
}
