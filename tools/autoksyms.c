/*
 * autoksyms - drop-in for the kernel's scripts/adjust_autoksyms.sh,
 * gen_autoksyms.sh and gen_ksymdeps.sh (CONFIG_TRIM_UNUSED_KSYMS).
 *
 * Run from the build root with kbuild's environment: $quiet ("silent_"
 * hides the CHK/KSYMS/UPD lines), $KBUILD_VERBOSE (containing 1: trace on
 * stderr) and $abs_srctree (prefix of a relative whitelist path).
 *
 * The rebuild command is exec'd without a shell, only when the symbol
 * list changed.  A single argument is split on blanks, as the script's
 * unquoted `exec $@` did with "$(MAKE) -f $(srctree)/Makefile ..."; several
 * arguments are used as given.  It gets KDEP_AUTOKSYMS_PASS, the number of
 * the pass that just changed the list, so that the next run can stop a
 * recursion that never settles.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdep.h"
#include "tool.h"

static const char usage[] =
	"Usage: autoksyms [options] [--] REBUILD-COMMAND...\n"
	"       autoksyms [options] --gen FILE\n"
	"       autoksyms [options] --ksymdeps OBJ\n"
	"       autoksyms [options] --shell SCRIPT [ARG]...\n";

static const char help[] =
	"Update include/generated/autoksyms.h and the ksym stamps of the\n"
	"symbols that changed, then run REBUILD-COMMAND if any did.\n"
	"\n"
	"Options:\n"
	"  --gen FILE          just write the header FILE (gen_autoksyms.sh)\n"
	"  --modorder          with --gen: also read modules.order\n"
	"  --ksymdeps OBJ      print OBJ's ksymdeps_ block (gen_ksymdeps.sh)\n"
	"  --shell SCRIPT ...  stand in for kbuild's $(CONFIG_SHELL): run the\n"
	"                      three scripts above ourselves, any other with sh\n"
	"  --modverdir DIR     Linux 4.14: read DIR/*.mod, not modules.order\n"
	"  --layout=flat|split stamp layout (split: Linux < 5.15)\n"
	"  --ksym-dir=DIR      stamp folder (default include/ksym)\n"
	"  --max-passes=N      fail if pass N+1 still changes the list (8)\n"
	"  --also=WORD         add WORD to the rebuild command (repeatable);\n"
	"                      Linux 6.1 wants --also=vmlinux_o, see README\n"
	"  --help, --version\n"
	"\n"
	"Exit status: 0 ok, 1 bad input, write error or no convergence,\n"
	"2 unreadable file, 126/127 the command cannot be run.\n"
	"\n"
	"In a kernel tree: make CONFIG_SHELL='autoksyms --shell' ...\n";

struct opts {
	struct kdep_autoksyms a;
	const char *gen, *ksymdeps;
	int modorder, shell;
	char **also; /* words added to the rebuild command */
	int nalso;
	long maxpasses;
	int trace, quiet;
};

const struct tool tool = {
	.name = "autoksyms",
	.usage = usage,
	.tryhelp = 1,
	.usagestatus = 1,
	.verbatim = "ERROR: ", /* the scripts' own messages */
	.writemsg = "cannot write standard output",
	.writestatus = 1,
};

static long number(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "autoksyms: bad %s '%s'\n", what, s);
		exit(1);
	}
	return v;
}

static int parse(int argc, char *argv[], struct opts *o)
{
	const char *v;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			fputs(help, stdout);
			exit(0);
		} else if (strcmp(a, "--version") == 0) {
			printf("autoksyms (libkdep) %s\n", KDEP_VERSION);
			exit(0);
		} else if (strcmp(a, "--shell") == 0) {
			o->shell = 1;
			return i + 1; /* the rest is a shell's command line */
		} else if (strcmp(a, "--modorder") == 0) {
			o->modorder = 1;
		} else if ((v = optnext(argc, argv, &i, "--gen"))) {
			o->gen = v;
		} else if ((v = optnext(argc, argv, &i, "--ksymdeps"))) {
			o->ksymdeps = v;
		} else if ((v = optnext(argc, argv, &i, "--modverdir"))) {
			o->a.modverdir = v;
		} else if ((v = optnext(argc, argv, &i, "--ksym-dir"))) {
			o->a.ksymdir = v;
		} else if ((v = optnext(argc, argv, &i, "--also"))) {
			o->also[o->nalso++] = (char *)v;
		} else if ((v = optnext(argc, argv, &i, "--max-passes"))) {
			o->maxpasses = number(v, "--max-passes");
		} else if ((v = optnext(argc, argv, &i, "--layout"))) {
			o->a.layout = layoutopt(v);
		} else {
			fprintf(stderr, "autoksyms: unknown option '%s'\n", a);
			badusage();
		}
	}
	return i;
}

/* The scripts' info(): printf "  %-7s %s\n", silent when quiet=silent_. */
static void info(const struct opts *o, const char *tag, const char *text)
{
	if (!o->quiet)
		printf("  %-7s %s\n", tag, text);
}

static int ksymdeps(const struct opts *o)
{
	struct kdep_buf out = {0};
	int e = kdep_ksymdeps(o->ksymdeps, o->a.ksymdir, o->a.layout, &out);

	if (e < 0)
		die(e);
	if (out.len) /* an object without markers: nothing */
		fwrite(out.data, 1, out.len, stdout);
	kdep_buffree(&out);
	return flushout(0);
}

/* The pass this run is: one more than the one that exec'd us. */
static long thispass(void)
{
	const char *s = getenv("KDEP_AUTOKSYMS_PASS");

	return s && *s ? number(s, "KDEP_AUTOKSYMS_PASS") + 1 : 1;
}

static void noconverge(const struct opts *o, const struct kdep_ksymplan *p)
{
	size_t i;

	fprintf(stderr,
		"autoksyms: symbol list did not converge after %ld passes\n",
		o->maxpasses);
	for (i = 0; i < kdep_ksyms_count(p->changed); i++) {
		const char *s = kdep_ksyms_name(p->changed, i);

		fprintf(stderr, "autoksyms: still changing: %c%s\n",
			kdep_ksyms_has(p->want, s, strlen(s)) ? '+' : '-', s);
	}
	exit(1);
}

static void tracestamps(const struct opts *o, const struct kdep_ksymplan *p)
{
	struct kdep_buf path = {0};
	size_t i;

	for (i = 0; o->trace && i < kdep_ksyms_count(p->changed); i++) {
		const char *s = kdep_ksyms_name(p->changed, i);
		size_t n = strlen(s);

		path.len = 0;
		if (kdep_ksymstamppath(&o->a, s, n, &path) == 0)
			fprintf(stderr, "+ stamp %s (%s)\n", path.data,
				kdep_ksyms_has(p->want, s, n) ? "needed"
							      : "dropped");
	}
	kdep_buffree(&path);
}

/*
 * One argument: split on blanks, as the unquoted `exec $@` did; several
 * are used as given.  The --also words follow, unless there is no
 * command at all.
 */
static char **command(const struct opts *o, int argc, char *argv[])
{
	size_t cap = (size_t)o->nalso + 2;
	char **v, *s;
	int n = 0, i;

	cap += argc == 1 ? strlen(argv[0]) / 2 + 1 : (size_t)argc;
	v = calloc(cap, sizeof(*v));
	if (!v)
		die(KDEP_ENOMEM);
	if (argc == 1) {
		for (s = strtok(argv[0], " \t\n"); s; s = strtok(NULL, " \t\n"))
			v[n++] = s;
	} else {
		for (i = 0; i < argc; i++)
			v[n++] = argv[i];
	}
	for (i = 0; n > 0 && i < o->nalso; i++)
		v[n++] = o->also[i];
	v[n] = NULL;
	return v;
}

static int run(const struct opts *o, int argc, char *argv[], long pass)
{
	char **cmd = command(o, argc, argv), num[32];
	int i, e;

	if (!cmd[0]) {
		free(cmd);
		return 0; /* `exec` with no words does nothing */
	}
	snprintf(num, sizeof(num), "%ld", pass);
	if (setenv("KDEP_AUTOKSYMS_PASS", num, 1) < 0)
		die(KDEP_ENOMEM);
	if (o->trace) {
		fputs("+ exec", stderr);
		for (i = 0; cmd[i]; i++)
			fprintf(stderr, " %s", cmd[i]);
		fputc('\n', stderr);
	}
	if ((e = flushout(0)) != 0)
		exit(e);
	execvp(cmd[0], cmd);
	e = errno;
	fprintf(stderr, "autoksyms: cannot run '%s': %s\n", cmd[0],
		strerror(e));
	free(cmd);
	return e == ENOENT ? 127 : 126;
}

static int adjust(const struct opts *o, int argc, char *argv[])
{
	static const char hdr[] = "include/generated/autoksyms.h";
	struct kdep_ksymplan p;
	struct kdep_buf text = {0};
	long pass = thispass();
	int e;

	info(o, "CHK", hdr);
	if ((e = flushout(0)) != 0)
		exit(e);
	if (o->trace)
		fprintf(stderr, "+ autoksyms pass %ld\n", pass);
	if ((e = kdep_ksyms_plan(&o->a, &p)) < 0)
		die(e);
	if (kdep_ksyms_count(p.changed) == 0) {
		kdep_ksymplan_free(&p);
		return 0;
	}
	if (pass > o->maxpasses)
		noconverge(o, &p);
	if ((e = kdep_ksyms_apply(&o->a, &p)) < 0)
		die(e);
	tracestamps(o, &p);
	if (kdep_bufprintf(&text, "symbols: before=%zu, after=%zu, changed=%zu",
			   p.before, p.after, kdep_ksyms_count(p.changed)) < 0)
		die(KDEP_ENOMEM);
	info(o, "KSYMS", text.data);
	kdep_buffree(&text);
	info(o, "UPD", hdr);
	if (o->trace)
		fprintf(stderr, "+ mv -f %s.tmpnew %s\n", hdr, hdr);
	kdep_ksymplan_free(&p);
	return run(o, argc, argv, pass);
}

static int isscript(const char *path, const char *name)
{
	const char *b = strrchr(path, '/');

	return strcmp(b ? b + 1 : path, name) == 0;
}

/*
 * --shell: kbuild runs each script as "$(CONFIG_SHELL) PATH ARGS", so with
 * CONFIG_SHELL='autoksyms --shell' we see the script's path first.  The
 * three we replace are known by their file name; anything else - other
 * scripts, "-c", no argument at all - goes to sh, kbuild's default
 * CONFIG_SHELL, with the same arguments.
 */
static int shell(struct opts *o, int argc, char *argv[])
{
	char **v;
	int i, e;

	if (argc >= 1 && isscript(argv[0], "adjust_autoksyms.sh"))
		return adjust(o, argc - 1, argv + 1);
	if (argc >= 2 && isscript(argv[0], "gen_autoksyms.sh")) {
		i = strcmp(argv[1], "--modorder") == 0 ? 2 : 1;
		if (argc == i + 1) {
			if (i == 1)
				o->a.modorder = NULL;
			if ((e = kdep_ksyms_gen(&o->a, argv[i])) < 0)
				die(e);
			return 0;
		}
	} else if (argc == 2 && isscript(argv[0], "gen_ksymdeps.sh")) {
		o->ksymdeps = argv[1];
		return ksymdeps(o);
	}
	if (!(v = calloc((size_t)argc + 2, sizeof(*v))))
		die(KDEP_ENOMEM);
	v[0] = "sh";
	for (i = 0; i < argc; i++)
		v[i + 1] = argv[i];
	fflush(stdout);
	execvp(v[0], v);
	e = errno;
	fprintf(stderr, "autoksyms: cannot run 'sh': %s\n", strerror(e));
	free(v);
	return e == ENOENT ? 127 : 126;
}

int main(int argc, char *argv[])
{
	/* static: o.also lives as long as the program, whatever way it ends */
	static struct opts o;
	const char *q = getenv("quiet"), *v = getenv("KBUILD_VERBOSE");
	int i, e;

	memset(&o, 0, sizeof(o));
	/* at most one --also per argument */
	if (!(o.also = calloc((size_t)argc, sizeof(*o.also))))
		die(KDEP_ENOMEM);
	o.a.modorder = "modules.order";
	o.a.abs_srctree = getenv("abs_srctree");
	o.maxpasses = 8;
	o.quiet = q && strcmp(q, "silent_") == 0;
	o.trace = v && strchr(v, '1');
	i = parse(argc, argv, &o);
	if (o.gen && o.ksymdeps) {
		fprintf(stderr, "autoksyms: --gen and --ksymdeps exclude "
				"each other\n");
		badusage();
	}
	if (o.a.modverdir)
		o.a.modorder = NULL;
	if (o.shell) {
		if (o.gen || o.ksymdeps)
			badusage();
		return shell(&o, argc - i, argv + i);
	}
	if (o.ksymdeps) {
		if (i != argc)
			badusage();
		return ksymdeps(&o);
	}
	if (o.gen) {
		if (i != argc)
			badusage();
		if (!o.modorder)
			o.a.modorder = NULL;
		if ((e = kdep_ksyms_gen(&o.a, o.gen)) < 0)
			die(e);
		return 0;
	}
	return adjust(&o, argc - i, argv + i);
}
