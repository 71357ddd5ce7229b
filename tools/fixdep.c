/*
 * fixdep - drop-in for the kernel's scripts/basic/fixdep.
 *
 * With no options it prints what the kernel tree's own fixdep prints; the
 * options are opt-in extensions.  Exit status as upstream: 1 for usage,
 * parse and write errors, 2 when a file cannot be read.  The run itself,
 * .cmd then record, is kdep_fixdep_run(): this is its argument handling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"
#include "tool.h"

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

const struct tool tool = {
	.name = "fixdep",
	.usage = usage,
	.tryhelp = 1,
	.usagestatus = 1,
	.writemsg = "not all data was written to the output", /* upstream's */
	.writestatus = 1,
};

/* The profile: --kernel=V.P, else --compat, $KDEP_COMPAT, ./Makefile. */
static const struct kdep_profile *profile(const char *compat,
					  const char *kernel)
{
	const struct kdep_profile *p;

	if (kernel && !compat) {
		if (!(p = kdep_profile_kernel(kernel))) {
			fprintf(stderr, "fixdep: bad --kernel '%s' (want V.P)\n",
				kernel);
			exit(1);
		}
		return p;
	}
	if (!(p = kdep_profile_select(compat)))
		die(KDEP_EDATA);
	return p;
}

int main(int argc, char *argv[])
{
	struct kdep_profile prof;
	struct kdep_fixdeprun run = {.cmdfd = 1,
				     .cachedir = getenv("KDEP_CACHE")};
	const char *compat = NULL, *layout = NULL, *cfgdir = NULL;
	const char *kernel = NULL, *v;
	const char **prefixes, **inputs;
	int i, npre = 0, ninput = 0, e;

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
			return flushout(0);
		} else if (strcmp(a, "--version") == 0) {
			printf("fixdep (libkdep) %s\n", KDEP_VERSION);
			free(prefixes);
			free(inputs);
			return flushout(0);
		} else if (strcmp(a, "--record") == 0) {
			run.record = 1;
		} else if (strcmp(a, "-e") == 0) {
			run.extradeps = 1;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			run.cmdfile = argv[++i];
		} else if ((v = optval(a, "--cache"))) {
			run.cachedir = v;
		} else if ((v = optval(a, "--kernel"))) {
			kernel = v;
		} else if ((v = optval(a, "--input"))) {
			inputs[ninput++] = v;
		} else if ((v = optval(a, "--autoconf"))) {
			run.autoconf = v;
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

	prof = *profile(compat, kernel);
	if (layout)
		prof.layout = layoutopt(layout);
	if (cfgdir)
		prof.configdir = cfgdir;
	if (npre)
		prof.scan.prefixes = prefixes;
	run.prof = &prof;
	run.depfile = argv[i];
	run.target = argv[i + 1];
	run.cmdline = argv[i + 2];
	v = getenv("KDEP_RECORD");
	run.record |= v && strcmp(v, "1") == 0;
	run.inputs = inputs;
	if ((e = kdep_fixdep_run(&run)) < 0) {
		/* the library's refusal, in the words of our options */
		if (run.extradeps && !prof.extradeps) {
			fputs("fixdep: -e needs --compat=linux-4.17\n", stderr);
			exit(1);
		}
		die(e);
	}
	free(prefixes);
	free(inputs);
	return 0;
}
