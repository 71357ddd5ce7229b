/*
 * profile.c - what changed in fixdep across kernel releases.
 *
 *   linux-4.17  4.17 .. 5.12: "cmd_", kbuild dialect, split stamps
 *               include/config/foo/bar.h, -e extra deps on stdin
 *               (removed upstream in 5.0; kept here for 4.x trees).
 *   linux-5.13  5.13 .. 6.2: flat stamps include/config/FOO_BAR.
 *   linux-6.3   6.3 on: "savedcmd_", the 6.3 tokenizer, rustc's
 *               .rlib/.rmeta/.so listed but not scanned, and only
 *               autoconf.h ignored (autoksyms.h went away in 6.4).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const char *const ign417[] = {
	KDEP_AUTOHEADER,
	KDEP_KSYMHEADER,
	".ver",
	NULL,
};
static const char *const ign513[] = {
	KDEP_AUTOHEADER,
	KDEP_KSYMHEADER,
	NULL,
};
static const char *const ign63[] = {KDEP_AUTOHEADER, NULL};
static const char *const noscan63[] = {".rlib", ".rmeta", ".so", NULL};
static const char *const none[] = {NULL};

static const struct kdep_profile linux417 = {
	.name = "linux-4.17",
	.cmdvar = "cmd",
	.dialect = KDEP_DIALECT_KBUILD,
	.layout = KDEP_SPLIT,
	.configdir = KDEP_CONFIGDIR,
	.ignore = ign417,
	.noscan = none,
	.scan = {NULL, 1},
	.extradeps = 1,
};

static const struct kdep_profile linux513 = {
	.name = "linux-5.13",
	.cmdvar = "cmd",
	.dialect = KDEP_DIALECT_KBUILD,
	.layout = KDEP_FLAT,
	.configdir = KDEP_CONFIGDIR,
	.ignore = ign513,
	.noscan = none,
	.scan = {NULL, 1},
};

static const struct kdep_profile linux63 = {
	.name = "linux-6.3",
	.cmdvar = "savedcmd",
	.dialect = KDEP_DIALECT_KBUILD63,
	.layout = KDEP_FLAT,
	.configdir = KDEP_CONFIGDIR,
	.ignore = ign63,
	.noscan = noscan63,
	.scan = {NULL, 1},
};

static const struct kdep_profile *const all[] = {
	&linux417,
	&linux513,
	&linux63,
	NULL,
};

const struct kdep_profile *const *kdep_profiles(void)
{
	return all;
}

const struct kdep_profile *kdep_profile(const char *name)
{
	size_t i;

	for (i = 0; all[i]; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	kdep_err(KDEP_EDATA, "unknown profile '%s'", name);
	return NULL;
}

/* 1 if version.patchlevel is v.p or later (no product: no overflow). */
static int since(int version, int patchlevel, int v, int p)
{
	return version > v || (version == v && patchlevel >= p);
}

const struct kdep_profile *kdep_profile_for(int version, int patchlevel)
{
	if ((version == 0 && patchlevel == 0) || since(version, patchlevel, 6, 3))
		return &linux63;
	if (since(version, patchlevel, 5, 13))
		return &linux513;
	return &linux417;
}

/* A decimal int at s (strtol's syntax, as sscanf's %d), or -1. */
static int number(const char *s, char **end)
{
	long v;

	errno = 0;
	v = strtol(s, end, 10);
	if (*end == s || errno || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

const struct kdep_profile *kdep_profile_kernel(const char *version)
{
	char *e;
	int v = number(version, &e), p = -1;

	if (v >= 0 && *e == '.')
		p = number(e + 1, &e);
	if (v < 0 || p < 0 || *e) {
		kdep_err(KDEP_EDATA, "bad kernel version '%s' (want V.P)",
			 version);
		return NULL;
	}
	return kdep_profile_for(v, p);
}

const struct kdep_profile *kdep_profile_select(const char *name)
{
	int v, p;

	if (!name || !*name)
		name = getenv("KDEP_COMPAT");
	if (name && *name)
		return kdep_profile(name);
	if (kdep_kernelversion("Makefile", &v, &p) == 0)
		return kdep_profile_for(v, p);
	return kdep_profile_for(0, 0);
}

/* The number after "NAME =" at the start of a line, or -1. */
static int makevar(const char *text, const char *name)
{
	size_t n = strlen(name);
	struct kdep_lines l;

	kdep_linesinit(&l, text, strlen(text));
	while (kdep_nextline(&l)) {
		const char *p = l.s, *q = p + n;
		char *e;
		long v;

		if (strncmp(p, name, n) != 0)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q++ != '=')
			continue;
		v = strtol(q, &e, 10);
		if (e == q || v < 0 || v > 1000)
			return -1;
		return (int)v;
	}
	return -1;
}

/*
 * The file named by an "include FILE" line, into path: the Makefile kbuild
 * writes into an O= output folder is just "include $(srctree)/Makefile",
 * with srctree ".." or absolute, both relative to the current folder as
 * make reads them.  1 if found, 0 if not, KDEP_ENOMEM.
 */
static int makeinclude(const char *text, struct kdep_buf *path)
{
	struct kdep_lines l;
	const char *p, *q, *e;

	kdep_linesinit(&l, text, strlen(text));
	while (kdep_nextline(&l)) {
		p = l.s;
		if (strncmp(p, "include", 7) != 0 ||
		    (p[7] != ' ' && p[7] != '\t'))
			continue;
		for (q = p + 7; *q == ' ' || *q == '\t'; q++)
			;
		for (e = q; *e && !strchr(" \t\r\n$", *e); e++)
			;
		if (e == q || *e == '$')
			return 0;
		path->len = 0;
		return kdep_bufadd(path, q, (size_t)(e - q)) < 0 ? KDEP_ENOMEM
								 : 1;
	}
	return 0;
}

/*
 * The kernel's Makefile sets VERSION and PATCHLEVEL in its first lines,
 * and fixdep asks on every run: read the head (whole lines of it) and the
 * whole file only when they are not there.
 */
#define HEAD 4096

static int findvars(const char *text, int *version, int *patchlevel)
{
	*version = makevar(text, "VERSION");
	*patchlevel = makevar(text, "PATCHLEVEL");
	return *version >= 0 && *patchlevel >= 0;
}

static int readvars(const char *path, struct kdep_buf *b, int *version,
		    int *patchlevel)
{
	int r = kdep_readhead(path, b, HEAD);

	if (r == 0 && b->len == HEAD) {
		/* whole lines only: a cut "PATCHLEVEL = 1" may have been 12 */
		while (b->len > 0 && b->data[b->len - 1] != '\n')
			b->len--;
		b->data[b->len] = '\0';
		if (findvars(b->data, version, patchlevel))
			return 0;
		r = kdep_readfile(path, b, NULL);
	}
	if (r == 0)
		findvars(b->data, version, patchlevel);
	return r;
}

int kdep_kernelversion(const char *makefile, int *version, int *patchlevel)
{
	struct kdep_buf b = {0}, inc = {0};
	const char *path = makefile;
	int r, depth;

	for (depth = 0;; depth++) {
		if ((r = readvars(path, &b, version, patchlevel)) < 0) {
			if (depth > 0)
				r = kdep_err(KDEP_EDATA, "%s: cannot read the "
					     "included %s", makefile, path);
			break;
		}
		if (*version >= 0 && *patchlevel >= 0)
			break;
		r = depth < 4 ? makeinclude(b.data, &inc) : 0;
		if (r <= 0) {
			if (r == 0)
				r = kdep_err(KDEP_EDATA,
					     "%s: no VERSION/PATCHLEVEL: not "
					     "a kernel Makefile",
					     makefile);
			break;
		}
		path = inc.data;
	}
	kdep_buffree(&b);
	kdep_buffree(&inc);
	return r;
}
