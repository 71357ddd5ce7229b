/*
 * fixdep - drop-in for the kernel's scripts/basic/fixdep.
 *
 * With no options it prints what the kernel tree's own fixdep prints; the
 * options are opt-in extensions.  Exit status as upstream: 1 for usage,
 * parse and write errors, 2 when a file cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdep.h"

static const char usage[] =
	"Usage: fixdep [options] <depfile> <target> <cmdline>\n";

static const char help[] =
	"Turn a compiler depfile into a kbuild .cmd file on standard output.\n"
	"\n"
	"Options:\n"
	"  --compat=PROFILE   linux-4.17, linux-5.13 or linux-6.3 (default:\n"
	"                     $KDEP_COMPAT, else the kernel tree in the\n"
	"                     current folder, else the newest)\n"
	"  --layout=flat|split  config stamp layout\n"
	"  --prefix=P         symbol prefix to scan for; repeat for several\n"
	"                     (default CONFIG_)\n"
	"  --config-dir=DIR   stamp folder (default include/config)\n"
	"  -e                 extra dependencies on stdin, one per line\n"
	"  -o FILE            write FILE atomically instead of stdout\n"
	"  --cache=DIR        share scan results between the runs of a build\n"
	"                     (also KDEP_CACHE=DIR)\n"
	"  --kernel=V.P       the profile of Linux V.P (as kbuild's\n"
	"                     $(VERSION).$(PATCHLEVEL))\n"
	"  --record           also write a content-hash record of what the\n"
	"                     target was built from (dir/.target.kdep, read\n"
	"                     by 'kdep stale' and the make plugin); also\n"
	"                     KDEP_RECORD=1.  Without it, an old record of\n"
	"                     the target is removed\n"
	"  --input=FILE       also record FILE by content (repeatable): a\n"
	"                     prerequisite the depfile does not list\n"
	"  --autoconf=FILE    record CONFIG values from FILE (default:\n"
	"                     DIR/auto.conf of --config-dir, when it exists;\n"
	"                     without one, stamps are recorded by state)\n"
	"  --help, --version\n"
	"\n"
	"Exit status: 0 ok, 1 usage/parse/write error, 2 unreadable file.\n";

/* The record being written: a failed run removes its temporary file. */
static struct kdep_record *rec;

static void die(int err)
{
	fprintf(stderr, "fixdep: %s\n", kdep_errmsg());
	kdep_record_free(rec);
	exit(kdep_exitcode(err));
}

/* Upstream's words for any output that did not make it (exit 1). */
static int flushout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fputs("fixdep: not all data was written to the output\n", stderr);
	return 1;
}

static void badusage(void)
{
	fputs(usage, stderr);
	fputs("Try 'fixdep --help' for more information.\n", stderr);
	exit(1);
}

static const char *optval(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

/*
 * Record CONFIG values when there is an auto.conf: 1 if so, 0 if stamps
 * are to be recorded by state (no auto.conf by default), or < 0.
 */
static int recordconfig(struct kdep_record *r, const char *autoconf,
			const struct kdep_profile *prof)
{
	struct kdep_buf path = {0};
	int e;

	if (!autoconf) {
		if (kdep_bufprintf(&path, "%s/auto.conf", prof->configdir) < 0)
			return KDEP_ENOMEM;
		if (access(path.data, F_OK) < 0) {
			kdep_buffree(&path);
			return 0;
		}
		autoconf = path.data;
	}
	e = kdep_record_config(r, autoconf, (enum kdep_layout)prof->layout);
	kdep_buffree(&path);
	return e < 0 ? e : 1;
}

int main(int argc, char *argv[])
{
	struct kdep_profile prof;
	const struct kdep_profile *base;
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0}, extra = {0};
	const char *compat = NULL, *layout = NULL, *cfgdir = NULL, *ofile = NULL;
	const char *kernel = NULL, *autoconf = NULL;
	const char *cachedir = getenv("KDEP_CACHE");
	struct kdep_cache *cache = NULL;
	const char **prefixes, **inputs;
	int ninput = 0;
	int i, npre = 0, extradeps = 0, record = 0, e;
	const char *v;

	prefixes = calloc((size_t)argc + 1, sizeof(*prefixes));
	inputs = calloc((size_t)argc + 1, sizeof(*inputs));
	if (!prefixes || !inputs)
		die(KDEP_ENOMEM);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			fputs(help, stdout);
			free(prefixes);
			free(inputs);
			return flushout();
		} else if (strcmp(a, "--version") == 0) {
			printf("fixdep (libkdep) %s\n", KDEP_VERSION);
			free(prefixes);
			free(inputs);
			return flushout();
		} else if (strcmp(a, "--record") == 0) {
			record = 1;
		} else if (strcmp(a, "-e") == 0) {
			extradeps = 1;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			ofile = argv[++i];
		} else if ((v = optval(a, "--cache"))) {
			cachedir = v;
		} else if ((v = optval(a, "--kernel"))) {
			kernel = v;
		} else if ((v = optval(a, "--input"))) {
			inputs[ninput++] = v;
		} else if ((v = optval(a, "--autoconf"))) {
			autoconf = v;
		} else if ((v = optval(a, "--compat"))) {
			compat = v;
		} else if ((v = optval(a, "--layout"))) {
			layout = v;
		} else if ((v = optval(a, "--config-dir"))) {
			cfgdir = v;
		} else if ((v = optval(a, "--prefix")) && *v) {
			prefixes[npre++] = v;
		} else {
			fprintf(stderr, "fixdep: unknown option '%s'\n", a);
			badusage();
		}
	}
	if (argc - i != 3)
		badusage();

	if (kernel && !compat) {
		int ver, pl;
		char end;

		if (sscanf(kernel, "%d.%d%c", &ver, &pl, &end) != 2 || ver < 0 ||
		    pl < 0) {
			fprintf(stderr, "fixdep: bad --kernel '%s' (want V.P)\n",
				kernel);
			exit(1);
		}
		base = kdep_profile_for(ver, pl);
	} else if (!(base = kdep_profile_select(compat))) {
		die(KDEP_EDATA);
	}
	prof = *base;
	if (layout && (prof.layout = kdep_layoutbyname(layout)) < 0)
		die(prof.layout);
	if (cfgdir)
		prof.configdir = cfgdir;
	if (npre)
		prof.scan.prefixes = prefixes;
	if (extradeps && !prof.extradeps) {
		fprintf(stderr, "fixdep: -e needs --compat=linux-4.17\n");
		exit(1);
	}

	f.prof = &prof;
	f.depfile = argv[i];
	f.target = argv[i + 1];
	f.cmdline = argv[i + 2];
	if (extradeps) {
		if ((e = kdep_readfd(0, "<stdin>", &extra)) < 0)
			die(e);
		f.extra = extra.data;
		f.extralen = extra.len;
	}
	v = getenv("KDEP_RECORD");
	if (record || (v && strcmp(v, "1") == 0)) {
		if (!(rec = kdep_record_new(f.target, f.depfile, f.cmdline)))
			die(kdep_errcode());
		f.seen = kdep_record_seen;
		f.seenctx = rec;
		if ((e = recordconfig(rec, autoconf, &prof)) < 0)
			die(e);
		f.configbyname = e;
	} else if ((e = kdep_record_remove(f.target)) < 0) {
		die(e);
	}
	if (cachedir && *cachedir) {
		if ((e = kdep_cache_open(&cache, cachedir, &prof.scan)) < 0)
			die(e);
		f.cache = cache;
	}
	if ((e = kdep_fixdep(&f, &out)) < 0)
		die(e);
	for (int k = 0; rec && k < ninput; k++)
		if ((e = kdep_record_input(rec, inputs[k])) < 0)
			die(e);
	if (ofile)
		e = kdep_writefile(ofile, out.data, out.len, 0644);
	else if (kdep_writeall(1, out.data, out.len) < 0)
		e = KDEP_EWRITE;
	if (e < 0 && !ofile) {
		fprintf(stderr,
			"fixdep: not all data was written to the output\n");
		kdep_record_free(rec);
		exit(1);
	}
	if (e < 0)
		die(e);
	/* last: a record must never claim more than the .cmd says */
	if (rec && (e = kdep_record_write(rec)) < 0)
		die(e);
	kdep_buffree(&out);
	kdep_buffree(&extra);
	kdep_record_free(rec);
	kdep_cache_close(cache);
	free(prefixes);
	free(inputs);
	return 0;
}
