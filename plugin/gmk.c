/*
 * gmk.c - libkdep inside GNU make: content-hash answers, no fork.
 *
 * Built as kdep.so when make's gnumake.h is installed.  A makefile says
 *
 *	-load path/to/kdep.so
 *
 * and make (>= 4.0, "load" in .FEATURES) calls kdep_gmk_setup, which
 * adds one function:
 *
 *	$(kdep-newer TARGET,NEWER)
 *
 * NEWER is what make found newer than TARGET (kbuild passes
 * $(filter-out $(PHONY),$?)).  It expands to the names that really
 * changed: nothing when TARGET's record (written by fixdep --record)
 * shows every input's content and CONFIG value the same, NEWER itself
 * when there is no usable record, and otherwise each recorded input
 * whose content differs (whatever its mtime), each CONFIG value that
 * changed (as its stamp), each input that appeared or vanished, and
 * each name of NEWER the record does not cover.  See kdep_answer().
 *
 * It must never break make: on any doubt (an error, no memory) it names
 * the target, and make rebuilds.  A record whose content checks out but
 * whose stat data moved is rewritten, so a touched tree costs one
 * hashing pass, not one per build.  One checker lives as long as make:
 * hashes are kept per version of a file (by its stat data), since make
 * regenerates files as it goes.
 */
#include <stdio.h>
#include <string.h>

#include <gnumake.h>

#include "kdep.h"

/* make refuses objects that do not declare this. */
__attribute__((visibility("default"))) int plugin_is_GPL_compatible;

static struct kdep_checker *checker;
static int warned; /* about a missing auto.conf: once per make */

static void observe(void *ctx, const char *path, enum kdep_change why,
		    const char *detail)
{
	(void)detail;
	if (why == KDEP_NOCONFIG && !warned) {
		warned = 1;
		fprintf(stderr,
			"kdep: %s: %s; targets that use CONFIG symbols are "
			"rebuilt\n",
			path, kdep_changetext(why));
	}
	(void)ctx;
}

/* Copy s into memory make owns (it frees what we return). */
static char *give(const char *s, size_t n)
{
	char *p = gmk_alloc((unsigned int)n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *newer(const char *nm, unsigned int argc, char **argv)
{
	struct kdep_buf out = {0};
	const char *target = argv[0], *list = argc > 1 ? argv[1] : "";
	char *r;
	int e;

	(void)nm;
	while (*target == ' ' || *target == '\t')
		target++;
	if (!*target)
		return give(list, strlen(list));
	if (!checker &&
	    !(checker = kdep_checker_new(KDEP_CHECK_RESTAT | KDEP_CHECK_REFRESH))) {
		fprintf(stderr, "kdep: %s: %s; deciding by make's rules\n",
			target, kdep_errmsg());
		return give(target, strlen(target));
	}
	e = kdep_answer(checker, target, list, &out, observe, NULL);
	if (e < 0)
		fprintf(stderr, "kdep: %s: %s; rebuilding\n", target,
			kdep_errmsg());
	if (e < 0 && !out.len)
		r = give(target, strlen(target));
	else
		r = out.len ? give(out.data, out.len) : NULL;
	kdep_buffree(&out);
	return r;
}

#ifdef GMK_ABI_VERSION
int kdep_gmk_setup(unsigned int abi, const gmk_floc *floc);
#else
int kdep_gmk_setup(const gmk_floc *floc);
#endif

/*
 * make up to 4.4.1 passes only the location; later ones the ABI version
 * first.  The location is never used, so one binary serves both.
 */
#ifdef GMK_ABI_VERSION
__attribute__((visibility("default"))) int
kdep_gmk_setup(unsigned int abi, const gmk_floc *floc)
#else
__attribute__((visibility("default"))) int
kdep_gmk_setup(const gmk_floc *floc)
#endif
{
#ifdef GMK_ABI_VERSION
	(void)abi;
#endif
	(void)floc;
	gmk_add_function("kdep-newer", newer, 1, 2, GMK_FUNC_DEFAULT);
	return 1;
}
