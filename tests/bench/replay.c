/*
 * replay - run every captured fixdep call of a corpus through programs and
 * report, per program, the time its calls took and their peak RSS.
 *
 *	replay [-o OUTDIR] CORPUS PROGRAM [ARG...] [-- PROGRAM [ARG...]]...
 *
 * For each CORPUS/NNNNN it runs, in the kernel tree (CORPUS/tree),
 *	PROGRAM ARG... CORPUS/NNNNN/depfile TARGET CMDLINE
 * with TARGET and CMDLINE from NNNNN/argv, and standard output to
 * /dev/null (or OUTDIR/NNNNN.out, to compare; one program only).  With
 * several programs each call is run by all of them in turn, the first
 * one rotating from call to call: on a machine whose speed drifts, every
 * program then sees the same conditions, and their ratios hold steady.
 * Prints one line per program, in order:
 *	<seconds> <peak RSS KiB> <calls> <failed calls> <CPU seconds> <faults>
 * where seconds add up the wall time of the program's calls (fork to
 * wait), CPU seconds their user and system time (on a busy machine that
 * figure moves far less than the wall time) and faults is the mean number
 * of page faults per call (each costs microseconds on a VM).
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

struct prog {
	char **argv; /* NULL-terminated, room for the 3 call arguments */
	int nargs;
	double wall, cpu;
	long maxrss, faults;
	int failed;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Run p on one call, its output to out; account for it in p. */
static void run(struct prog *p, const char *tree, char *dep, char *target,
		char *cmdline, const char *out)
{
	struct rusage ru;
	double t0 = now();
	int st, fd;
	pid_t pid;

	p->argv[p->nargs] = dep;
	p->argv[p->nargs + 1] = target;
	p->argv[p->nargs + 2] = cmdline;
	pid = fork();
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (chdir(tree) < 0 || fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execv(p->argv[0], p->argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
		perror("fork");
		exit(3);
	}
	p->wall += now() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		p->failed++;
	if (ru.ru_maxrss > p->maxrss)
		p->maxrss = ru.ru_maxrss;
	p->cpu += (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		  (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	p->faults += ru.ru_minflt + ru.ru_majflt;
}

int main(int argc, char **argv)
{
	const char *outdir = NULL, *corpus;
	char **names = NULL, *tree, *path;
	size_t nnames = 0, cap = 0, i, len;
	struct prog *progs;
	int nprogs = 0, k, a;
	struct dirent *d;
	DIR *dir;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		outdir = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: replay [-o OUTDIR] CORPUS PROGRAM [ARG...] "
				"[-- PROGRAM [ARG...]]...\n");
		return 2;
	}
	corpus = argv[1];
	if (!(progs = calloc((size_t)argc, sizeof(*progs))))
		return 3;
	for (a = 2; a < argc; a = k + 1) {
		struct prog *p = &progs[nprogs++];

		for (k = a; k < argc && strcmp(argv[k], "--") != 0; k++)
			;
		p->nargs = k - a;
		if (!p->nargs || !(p->argv = calloc((size_t)p->nargs + 4,
						    sizeof(char *))))
			return fprintf(stderr, "replay: empty program\n"), 2;
		memcpy(p->argv, argv + a, (size_t)p->nargs * sizeof(char *));
	}
	if (outdir && nprogs > 1)
		return fprintf(stderr, "replay: -o takes one program\n"), 2;
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

	for (i = 0; i < nnames; i++) {
		char *av, *target, *cmdline, *dep, *out;

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
		for (k = 0; k < nprogs; k++)
			run(&progs[(i + (size_t)k) % (size_t)nprogs], tree, dep,
			    target, cmdline, out);
		free(av);
		free(dep);
		free(out);
	}
	for (k = 0; k < nprogs; k++)
		printf("%.4f %ld %zu %d %.4f %.1f\n", progs[k].wall,
		       progs[k].maxrss, nnames, progs[k].failed, progs[k].cpu,
		       nnames ? (double)progs[k].faults / (double)nnames : 0.0);
	return 0;
}
