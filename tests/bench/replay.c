/*
 * replay - run every captured fixdep call of a corpus through one program
 * and report the wall time of the whole pass and the peak RSS of any call.
 *
 *	replay [-o OUTDIR] CORPUS PROGRAM [ARG...]
 *
 * For each CORPUS/NNNNN it runs, in the kernel tree (CORPUS/tree),
 *	PROGRAM ARG... CORPUS/NNNNN/depfile TARGET CMDLINE
 * with TARGET and CMDLINE from NNNNN/argv, and standard output to
 * /dev/null (or OUTDIR/NNNNN.out, to compare).  Prints one line:
 *	<seconds> <peak RSS KiB> <calls> <failed calls> <CPU seconds> <faults>
 * where CPU seconds add up the calls' user and system time (on a busy
 * machine that figure moves far less than the wall time) and faults is the
 * mean number of page faults per call (each costs microseconds on a VM).
 * The corpus layout is described at the top of tests/compat/run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096 && !(buf = realloc(buf, cap = cap * 2 + 8192)))
			exit(3);
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *outdir = NULL, *corpus;
	char **names = NULL, *tree, *path;
	size_t nnames = 0, cap = 0, i, len;
	long maxrss = 0;
	double cpu = 0;
	long faults = 0;
	int failed = 0, nargs;
	struct timespec t0, t1;
	struct dirent *d;
	DIR *dir;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		outdir = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: replay [-o OUTDIR] CORPUS PROGRAM [ARG...]\n");
		return 2;
	}
	corpus = argv[1];
	if (asprintf(&path, "%s/tree", corpus) < 0)
		return 3;
	if (!(tree = slurp(path, &len)))
		return perror(path), 2;
	tree[strcspn(tree, "\n")] = '\0';
	if (!(dir = opendir(corpus)))
		return perror(corpus), 2;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		if (nnames == cap && !(names = realloc(names, (cap = cap * 2 + 1024) * sizeof(*names))))
			return 3;
		names[nnames++] = strdup(d->d_name);
	}
	closedir(dir);
	qsort(names, nnames, sizeof(*names), cmp);
	nargs = argc - 2;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nnames; i++) {
		char *av, *target, *cmdline, *dep, *out;
		struct rusage ru;
		int st, fd;
		pid_t pid;

		free(path);
		if (asprintf(&path, "%s/%s/argv", corpus, names[i]) < 0)
			return 3;
		if (!(av = slurp(path, &len)))
			continue;
		target = av + strlen(av) + 1;
		cmdline = target + strlen(target) + 1;
		if (asprintf(&dep, "%s/%s/depfile", corpus, names[i]) < 0 ||
		    asprintf(&out, "%s/%s.out", outdir ? outdir : "", names[i]) < 0)
			return 3;
		if (!outdir) {
			free(out);
			out = strdup("/dev/null");
		}
		pid = fork();
		if (pid == 0) {
			char **a = calloc((size_t)nargs + 4, sizeof(*a));
			int k;

			if (!a || chdir(tree) < 0)
				_exit(126);
			for (k = 0; k < nargs; k++)
				a[k] = argv[2 + k];
			a[k++] = dep;
			a[k++] = target;
			a[k++] = cmdline;
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
			execv(a[0], a);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
			return perror("fork"), 3;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		cpu += (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		faults += ru.ru_minflt + ru.ru_majflt;
		free(av);
		free(dep);
		free(out);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.4f %ld %zu %d %.4f %.1f\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       maxrss, nnames, failed, cpu,
	       nnames ? (double)faults / (double)nnames : 0.0);
	return 0;
}
