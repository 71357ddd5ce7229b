/*
 * ccbench - time compiler commands with and without a launcher.
 *
 *	ccbench ROUNDS CALLS :: PREFIX... [:: PREFIX...]...
 * (rows are separated by "::", since prefixes end in "--")
 *
 * CALLS has one compile a line: its folder, then the command's words,
 * separated by tabs.  Each round runs every call once under each prefix
 * (an empty prefix is the compile alone) in turn, the first prefix
 * rotating from call to call, so that a drifting machine slows all alike.
 * Prints one line per prefix: the median over rounds of the summed wall
 * seconds of its calls, then the number of calls and of failed runs.
 *
 * After each run the call's depfile (the word after -MF) is removed,
 * untimed, as ninja removes it once read (deps = gcc): every compile
 * writes a new depfile.  A compiler that truncates an old one instead
 * makes ext4 start writing it out at its close (auto_da_alloc), and a
 * launcher that then replaces it waits for that write, some milliseconds
 * that no ninja build has.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct call {
	char *dir;
	char **argv;
	int argc;
	const char *depfile; /* NULL: none named */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct call *calls = NULL;
	char **pre[64], *line = NULL;
	int npre[64], nrows = 0, ncalls = 0, rounds, i, j, r, bad = 0;
	size_t lcap = 0;
	double *t;
	FILE *f;

	if (argc < 4 || strcmp(argv[3], "::") != 0)
		return 2;
	rounds = atoi(argv[1]);
	for (i = 3; i < argc && nrows < 64; nrows++) {
		pre[nrows] = argv + i + 1;
		for (j = i + 1; j < argc && strcmp(argv[j], "::") != 0; j++)
			;
		npre[nrows] = j - i - 1;
		i = j;
	}
	if (!(f = fopen(argv[2], "r")))
		return 2;
	while (getline(&line, &lcap, f) > 0) {
		struct call *c;
		char *w, *p = line;

		line[strcspn(line, "\n")] = '\0';
		if (!(calls = realloc(calls, (ncalls + 1) * sizeof(*calls))))
			return 3;
		c = &calls[ncalls++];
		memset(c, 0, sizeof(*c));
		while ((w = strsep(&p, "\t"))) {
			if (!c->dir) {
				c->dir = strdup(w);
				continue;
			}
			c->argv = realloc(c->argv, (c->argc + 2) * sizeof(char *));
			c->argv[c->argc++] = strdup(w);
		}
		for (j = 0; j + 1 < c->argc; j++)
			if (strcmp(c->argv[j], "-MF") == 0)
				c->depfile = c->argv[j + 1];
	}
	t = calloc((size_t)(nrows * rounds), sizeof(double));
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ncalls; i++) {
			struct call *c = &calls[i];

			if (chdir(c->dir) < 0)
				return 2;
			for (j = 0; j < nrows; j++) {
				int row = (i + j) % nrows, k, n = 0, st;
				char *a[npre[row] + c->argc + 1];
				double s;
				pid_t pid;

				for (k = 0; k < npre[row]; k++)
					a[n++] = pre[row][k];
				for (k = 0; k < c->argc; k++)
					a[n++] = c->argv[k];
				a[n] = NULL;
				s = now();
				if (posix_spawnp(&pid, a[0], NULL, NULL, a,
						 environ) != 0 ||
				    waitpid(pid, &st, 0) < 0 ||
				    !WIFEXITED(st) || WEXITSTATUS(st))
					bad++;
				t[row * rounds + r] += now() - s;
				if (c->depfile)
					unlink(c->depfile);
			}
		}
	}
	for (j = 0; j < nrows; j++) {
		qsort(t + j * rounds, (size_t)rounds, sizeof(double), cmpd);
		printf("%.6f %d %d\n", t[j * rounds + rounds / 2], ncalls, bad);
	}
	return 0;
}
