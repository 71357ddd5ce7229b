/*
 * kdep - content-hash checks, hashes, stamp paths and config sync.
 *
 *	kdep stale [-v] [--cmd CMDLINE] TARGET...
 *	kdep hash FILE...
 *	kdep stamp-path [--layout=flat|split] [--dir=DIR] NAME...
 *	kdep sync-config [--layout=flat|split] [--dir=DIR] [--autoconf=FILE]
 *	                 CONFIGFILE
 *
 * Each command is argument handling over one library call.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"

static const char usage[] =
	"usage: kdep stale [-v] [--cmd CMDLINE] TARGET...\n"
	"       kdep hash FILE...\n"
	"       kdep stamp-path [--layout=flat|split] [--dir=DIR] NAME...\n"
	"       kdep sync-config [-v] [--layout=flat|split] [--dir=DIR]\n"
	"                        [--autoconf=FILE] CONFIGFILE\n"
	"       kdep --help | --version\n";

static const char help[] =
	"\n"
	"stale        exit 0 if every TARGET is fresh, 1 if any is stale, 2 on\n"
	"             error.  Stale: the target or its record (written by\n"
	"             fixdep --record) is missing or corrupt, --cmd differs\n"
	"             from the recorded command line, or a recorded file's\n"
	"             content or presence differs.  Mtimes alone never count.\n"
	"             -v prints one line per reason.\n"
	"hash         the XXH64 of each FILE's content, as '<hex>  FILE'.\n"
	"stamp-path   the canonical stamp path of each symbol NAME.\n"
	"sync-config  update the stamps of the symbols whose value changed\n"
	"             since the last run (default dir include/config, split\n"
	"             layout), and autoconf.h and auto.conf when they change.\n";

static void die(int err)
{
	fprintf(stderr, "kdep: %s\n", kdep_errmsg());
	exit(err == KDEP_EDATA ? 1 : 2);
}

static void badusage(void)
{
	fputs(usage, stderr);
	exit(2);
}

/*
 * Standard output is buffered: a full disk or a closed pipe shows only
 * here.  A silent exit 2 would look like any other error; say what.
 */
static int flushout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	fprintf(stderr, "kdep: cannot write output: %s\n", strerror(errno));
	return 2;
}

static const char *optval(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

static enum kdep_layout parselayout(const char *v)
{
	int l = kdep_layoutbyname(v);

	if (l < 0) {
		fprintf(stderr, "kdep: %s\n", kdep_errmsg());
		exit(2);
	}
	return (enum kdep_layout)l;
}

static void printreason(void *ctx, const char *target, const char *reason)
{
	(void)ctx;
	(void)target;
	printf("%s\n", reason);
}

static int cmdstale(int argc, char **argv)
{
	struct kdep_checker *c;
	const char *cmd = NULL;
	int i, verbose = 0, stale = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--cmd") == 0 && i + 1 < argc)
			cmd = argv[++i];
		else if (optval(argv[i], "--cmd"))
			cmd = optval(argv[i], "--cmd");
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	if (i == argc)
		badusage();
	if (!(c = kdep_checker_new()))
		die(KDEP_ENOMEM);
	for (; i < argc; i++) {
		int r = kdep_stale(c, argv[i], cmd,
				   verbose ? printreason : NULL, NULL);

		if (r < 0)
			die(r);
		stale |= r;
	}
	kdep_checker_free(c);
	return flushout(stale);
}

static int cmdhash(int argc, char **argv)
{
	int i, e;

	if (argc < 2)
		badusage();
	for (i = 1; i < argc; i++) {
		uint64_t h;

		if ((e = kdep_hashfile(argv[i], &h, NULL)) < 0)
			die(e);
		printf("%016" PRIx64 "  %s\n", h, argv[i]);
	}
	return flushout(0);
}

static int cmdstamppath(int argc, char **argv)
{
	struct kdep_buf b = {0};
	enum kdep_layout layout = KDEP_FLAT;
	const char *dir = NULL, *v;
	int i, e;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = optval(argv[i], "--layout")))
			layout = parselayout(v);
		else if ((v = optval(argv[i], "--dir")))
			dir = v;
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	if (i == argc)
		badusage();
	for (; i < argc; i++) {
		b.len = 0;
		if ((e = kdep_stamppath(&b, dir, argv[i], strlen(argv[i]),
					layout)) < 0) {
			fprintf(stderr, "kdep: %s: %s\n", argv[i],
				kdep_errmsg());
			exit(1);
		}
		printf("%s\n", b.data);
	}
	kdep_buffree(&b);
	return flushout(0);
}

static int cmdsyncconfig(int argc, char **argv)
{
	struct kdep_syncopts o = {.layout = KDEP_SPLIT};
	struct kdep_syncstats st;
	const char *v;
	int i, e, verbose = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = optval(argv[i], "--layout")))
			o.layout = parselayout(v);
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if ((v = optval(argv[i], "--dir")))
			o.dir = v;
		else if ((v = optval(argv[i], "--autoconf")))
			o.autoheader = v;
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	if (argc - i != 1)
		badusage();
	o.config = argv[i];
	if ((e = kdep_syncconfig(&o, &st)) < 0)
		die(e);
	if (verbose)
		printf("%zu symbols, %zu changed, %zu stamps written%s%s\n",
		       st.symbols, st.changed, st.written,
		       st.autoheader ? ", autoconf.h updated" : "",
		       st.autoconf ? ", auto.conf updated" : "");
	return flushout(0);
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
	{"stale", cmdstale},
	{"hash", cmdhash},
	{"stamp-path", cmdstamppath},
	{"sync-config", cmdsyncconfig},
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		badusage();
	if (strcmp(argv[1], "--help") == 0) {
		fputs(usage, stdout);
		fputs(help, stdout);
		return flushout(0);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("kdep (libkdep) %s\n", KDEP_VERSION);
		return flushout(0);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kdep: unknown command '%s'\n", argv[1]);
	badusage();
	return 2;
}
