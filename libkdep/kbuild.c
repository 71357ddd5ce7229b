/*
 * kbuild.c - kbuild's content mode: what `kdep make` gives every make.
 *
 * Kbuild decides every if_changed, if_changed_dep and if_changed_rule
 * rule (Linux 5.15 and later) with
 *
 *	if-changed-cond = $(newer-prereqs)$(cmd-check)$(check-FORCE)
 *	newer-prereqs = $(filter-out $(PHONY),$?)
 *
 * and each such rule lists FORCE, so make always expands the recipe and
 * that condition decides.  Content mode changes two variables, from a
 * makefile named by the MAKEFILES environment variable: every make
 * reads it before its own makefiles, and an `override` there outlives
 * kbuild's own assignments.
 *
 *	newer-prereqs   asks the loaded kdep.so: $(kdep-newer $@,...)
 *	cmd_and_fixdep  the tree's own definition, with our fixdep (and
 *	                --record) in place of scripts/basic/fixdep; the
 *	                record also keeps objtool by content where the
 *	                object uses it (kbuild appends that dependency to
 *	                the .cmd file after fixdep ran, so no depfile has
 *	                it, and tools/ relinks it, same bytes, by mtime)
 *
 * The second is taken from the tree's scripts/Kbuild.include at run time,
 * so it matches the tree; nothing of the kernel is kept here.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define UPSTREAM "scripts/basic/fixdep "

/* A path we put into a makefile must read back as one word. */
static int plainpath(const char *what, const char *p)
{
	if (strpbrk(p, " \t\n$#:;\\'\""))
		return kdep_err(KDEP_EDATA, "%s: %s: a path make cannot hold",
				what, p);
	return 0;
}

/*
 * The logical line "NAME = ..." (with its backslash continuations) of
 * text, as [*start, *end); 0, or -1 if there is none.
 */
static int definition(const char *text, const char *name, const char **start,
		      const char **end)
{
	size_t n = strlen(name);
	const char *p = text;

	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *q = p + n;

		if (strncmp(p, name, n) != 0)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=' && strncmp(q, ":=", 2) != 0)
			continue;
		*start = p;
		for (q = p;;) {
			const char *nl = strchr(q, '\n');

			if (!nl) {
				*end = q + strlen(q);
				return 0;
			}
			if (nl == q || nl[-1] != '\\') {
				*end = nl;
				return 0;
			}
			q = nl + 1;
		}
	}
	return -1;
}

/* scripts/Kbuild.include of the tree make runs in (srctree or O= dir). */
static int readinclude(const char *dir, struct kdep_buf *path,
		       struct kdep_buf *text)
{
	static const char *const rel[] = {"scripts/Kbuild.include",
					  "source/scripts/Kbuild.include"};
	size_t i;

	for (i = 0; i < 2; i++) {
		path->len = 0;
		if (kdep_bufprintf(path, "%s/%s", dir, rel[i]) < 0)
			return KDEP_ENOMEM;
		if (access(path->data, F_OK) == 0)
			return kdep_readfile(path->data, text, NULL);
	}
	return kdep_err(KDEP_EDATA,
			"%s: not a kernel tree (no scripts/Kbuild.include)",
			dir);
}

/* The first needle (n bytes) in [s, end), or NULL. */
static const char *find(const char *s, const char *end, const char *needle,
			size_t n)
{
	for (; (size_t)(end - s) >= n; s++)
		if (memcmp(s, needle, n) == 0)
			return s;
	return NULL;
}

/* The tree's cmd_and_fixdep, overridden, with fixdep in place. */
static int fixdepline(struct kdep_buf *out, const char *file, const char *s,
		      const char *end, const char *fixdep)
{
	const char *hit;
	size_t n = strlen(UPSTREAM);
	int found = 0;

	if (kdep_bufputs(out, "override ") < 0)
		return KDEP_ENOMEM;
	while ((hit = find(s, end, UPSTREAM, n))) {
		found = 1;
		if (kdep_bufadd(out, s, (size_t)(hit - s)) < 0 ||
		    kdep_bufprintf(out,
				   "%s --record "
				   "--kernel=$(VERSION).$(PATCHLEVEL) "
				   "$(addprefix --input=,$(if "
				   "$(objtool-enabled),$(wildcard $(objtool)))) ",
				   fixdep) < 0)
			return KDEP_ENOMEM;
		s = hit + n;
	}
	if (!found)
		return kdep_err(KDEP_EDATA,
				"%s: cmd_and_fixdep does not run %s", file,
				UPSTREAM);
	if (kdep_bufadd(out, s, (size_t)(end - s)) < 0 ||
	    kdep_bufputs(out, "\n") < 0)
		return KDEP_ENOMEM;
	return 0;
}

int kdep_kbuildmk(const char *dir, const char *plugin, const char *fixdep,
		  struct kdep_buf *out)
{
	struct kdep_buf path = {0}, text = {0};
	const char *s, *end;
	int e;

	if ((e = plainpath("kdep.so", plugin)) < 0 ||
	    (e = plainpath("fixdep", fixdep)) < 0 ||
	    (e = readinclude(dir, &path, &text)) < 0)
		goto done;
	if (definition(text.data, "if-changed-cond", &s, &end) < 0 ||
	    definition(text.data, "newer-prereqs", &s, &end) < 0) {
		e = kdep_err(KDEP_EDATA,
			     "%s: no if-changed-cond/newer-prereqs (kbuild "
			     "before Linux 5.15): content mode cannot hook it",
			     path.data);
		goto done;
	}
	if (definition(text.data, "cmd_and_fixdep", &s, &end) < 0) {
		e = kdep_err(KDEP_EDATA, "%s: no cmd_and_fixdep", path.data);
		goto done;
	}
	if (kdep_bufprintf(
		    out,
		    "# kdep make: content-hash decisions for this build "
		    "(generated; removed\n# when the build ends).  See "
		    "kdep(1).\n"
		    "ifeq ($(filter load,$(.FEATURES)),)\n"
		    "$(error kdep: this make ($(MAKE_VERSION)) cannot load "
		    "objects: 'load' is not in .FEATURES)\n"
		    "endif\n"
		    "-load %s\n"
		    "ifeq ($(filter %s,$(.LOADED)),)\n"
		    "$(error kdep: make could not load %s)\n"
		    "endif\n"
		    "override newer-prereqs = "
		    "$(kdep-newer $@,$(filter-out $(PHONY),$?))\n",
		    plugin, plugin, plugin) < 0) {
		e = KDEP_ENOMEM;
		goto done;
	}
	e = fixdepline(out, path.data, s, end, fixdep);
done:
	kdep_buffree(&path);
	kdep_buffree(&text);
	return e;
}

/* A record's name: ".<target>.kdep". */
static int isrecord(const char *name)
{
	size_t n = strlen(name);

	return n > 6 && name[0] == '.' && strcmp(name + n - 5, ".kdep") == 0;
}

static int removeunder(struct kdep_buf *path, size_t *count)
{
	size_t len = path->len;
	struct dirent *d;
	DIR *dir = opendir(path->data);
	int e = 0;

	if (!dir)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES
			       ? 0
			       : kdep_errno(KDEP_EIO, "cannot list %s",
					    path->data);
	while (e == 0 && (d = readdir(dir))) {
		struct stat st;

		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		path->len = len;
		if (kdep_bufprintf(path, "/%s", d->d_name) < 0) {
			e = KDEP_ENOMEM;
			break;
		}
		if (lstat(path->data, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			e = removeunder(path, count);
		else if (S_ISREG(st.st_mode) && isrecord(d->d_name)) {
			if (unlink(path->data) < 0 && errno != ENOENT)
				e = kdep_errno(KDEP_EIO, "cannot remove %s",
					       path->data);
			else
				++*count;
		}
	}
	closedir(dir);
	path->len = len;
	path->data[len] = '\0';
	return e;
}

int kdep_removerecords(const char *dir, size_t *count)
{
	struct kdep_buf path = {0};
	int e;

	*count = 0;
	if (kdep_bufputs(&path, dir) < 0)
		return KDEP_ENOMEM;
	e = removeunder(&path, count);
	kdep_buffree(&path);
	return e;
}
