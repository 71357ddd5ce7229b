/*
 * ksymread.c - the symbols modules need (kdep_ksyms_needed), read as the
 * kernel's gen_autoksyms.sh lists them.
 *
 * Inputs, all read relative to the build root:
 *
 *   modules.order       one module per line, "drivers/foo/bar.ko".  Each
 *                       line gets "ko" at its end replaced by "usyms" and
 *                       is then split on blanks (what `sed 's/ko$/usyms/'
 *                       modules.order | xargs cat` reads).
 *   <module>.usyms      the module's undefined symbols, one per line
 *                       (`$(NM) $< | sed -n 's/^  *U //p'`).
 *   DIR/<m>.mod         Linux 4.14 (.tmp_versions): line 1 the .ko, line 2
 *                       the objects, line 3 the undefined symbols.
 *   include/config/auto.conf
 *                       "CONFIG_MODVERSIONS=y" (exactly that line) adds
 *                       module_layout; "CONFIG_UNUSED_KSYMS_WHITELIST=PATH"
 *                       (last one wins; quoted as in Linux < 5.18 or not)
 *                       names a whitelist, PATH relative to $abs_srctree
 *                       unless it starts with '/'.
 *   whitelist           symbols, like a .usyms file.
 *
 * In .usyms, .mod (line 3) and whitelist files symbols are separated by
 * spaces and newlines; one leading '.' is dropped (ppc64 entry points).
 * What is left must be a symbol name (see ksyms.c); anything else is an
 * error naming file:line.  __this_module is dropped (resolved when the
 * .ko is linked, never exported).  The list is sorted (kdep_ksyms_sort).
 *
 * Where we differ from the scripts, on purpose:
 *   - A missing modules.order or .usyms file is an error; the scripts
 *     printed cat's complaint and went on with a shorter list, trimming
 *     exports that modules need.
 *   - Names that are not identifiers are refused (see above).
 *   - With .mod files (4.14), __this_module is dropped and module_layout is
 *     sorted in; 4.14 kept the one and appended the other.  Neither changes
 *     what the header makes the kernel export.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* One word of a symbol file: drop one '.', check, skip __this_module. */
static int addword(struct kdep_ksyms *l, const char *file, unsigned line,
		   const char *s, size_t len)
{
	if (len > 0 && s[0] == '.') {
		s++;
		len--;
	}
	if (!kdep_issym(s, len))
		return kdep_badsym(file, line, "bad symbol name", s, len);
	if (len == 13 && memcmp(s, "__this_module", 13) == 0)
		return 0;
	return kdep_ksyms_add(l, s, len);
}

/* The words of one line, separated by runs of spaces. */
static int addline(struct kdep_ksyms *l, const char *file, unsigned line,
		   const char *s, size_t len)
{
	const char *w;
	size_t at = 0, n;
	int r;

	while (kdep_nextword(s, len, &at, " ", &w, &n))
		if ((r = addword(l, file, line, w, n)) < 0)
			return r;
	return 0;
}

/*
 * Call fn for each line of text (without its '\n'), numbered from 1; a
 * last line without '\n' counts.
 */
typedef int (*linefn)(void *ctx, unsigned line, const char *s, size_t len);

static int eachline(const char *text, size_t len, linefn fn, void *ctx)
{
	struct kdep_lines l;
	int r;

	kdep_linesinit(&l, text, len);
	while (kdep_nextline(&l))
		if ((r = fn(ctx, l.no, l.s, l.len)) != 0)
			return r;
	return 0;
}

struct symfile {
	struct kdep_ksyms *l;
	const char *file;
	unsigned only; /* 0: every line; else only this line */
};

static int symline(void *ctx, unsigned line, const char *s, size_t len)
{
	struct symfile *f = ctx;

	if (f->only && line != f->only)
		return 0;
	return addline(f->l, f->file, line, s, len);
}

static int readsyms(struct kdep_ksyms *l, const char *file, unsigned only)
{
	struct kdep_buf b = {0};
	struct symfile f = {l, file, only};
	int r = kdep_readfile(file, &b, NULL);

	if (r == 0)
		r = eachline(b.data, b.len, symline, &f);
	kdep_buffree(&b);
	return r;
}

struct modorder {
	struct kdep_ksyms *l;
	struct kdep_buf path;
};

/* One modules.order line: s/ko$/usyms/, then each blank-separated word. */
static int modline(void *ctx, unsigned line, const char *s, size_t len)
{
	struct modorder *m = ctx;
	const char *w;
	size_t at = 0, n, cut = len;
	int r;

	(void)line;
	if (kdep_endswith(s, len, "ko"))
		cut = len - 2;
	while (kdep_nextword(s, len, &at, " \t", &w, &n)) {
		size_t i = (size_t)(w - s), j = at;

		m->path.len = 0;
		if (kdep_bufadd(&m->path, w, (j < cut ? j : cut) - i) < 0 ||
		    (j == len && cut < len &&
		     kdep_bufputs(&m->path, "usyms") < 0))
			return KDEP_ENOMEM;
		if ((r = readsyms(m->l, m->path.data, 0)) < 0)
			return r;
	}
	return 0;
}

static int readmodorder(struct kdep_ksyms *l, const char *file)
{
	struct kdep_buf b = {0};
	struct modorder m = {l, {0}};
	int r = kdep_readfile(file, &b, NULL);

	if (r == 0)
		r = eachline(b.data, b.len, modline, &m);
	kdep_buffree(&b);
	kdep_buffree(&m.path);
	return r;
}

/*
 * The names of the .mod files in dir into files, sorted as the shell's
 * glob is: the first bad file is the one reported.
 */
static int modfiles(const char *dir, struct kdep_ksyms *files)
{
	struct kdep_buf names = {0};
	size_t at, n;
	int r = kdep_listdir(dir, &names);

	if (r == KDEP_EIO || r == KDEP_ENOENT)
		r = kdep_errno(KDEP_EIO, "error opening folder: %s", dir);
	for (at = 0; r == 0 && at < names.len; at += n + 1) {
		const char *name = names.data + at;

		n = strlen(name);
		if (name[0] != '.' && kdep_endswith(name, n, ".mod"))
			r = kdep_ksyms_add(files, name, n);
	}
	if (r == 0)
		r = kdep_ksyms_sort(files);
	kdep_buffree(&names);
	return r;
}

/* Linux 4.14: line 3 of every DIR/<name>.mod, as the script's glob. */
static int readmodverdir(struct kdep_ksyms *l, const char *dir)
{
	struct kdep_ksyms *files = kdep_ksyms_new();
	struct kdep_buf path = {0};
	size_t i;
	int r = files ? modfiles(dir, files) : KDEP_ENOMEM;

	for (i = 0; r == 0 && i < kdep_ksyms_count(files); i++) {
		path.len = 0;
		if (kdep_bufprintf(&path, "%s/%s", dir,
				   kdep_ksyms_name(files, i)) < 0)
			r = KDEP_ENOMEM;
		else
			r = readsyms(l, path.data, 3);
	}
	kdep_ksyms_free(files);
	kdep_buffree(&path);
	return r;
}

/* ---- auto.conf ----------------------------------------------------------- */

struct autoconf {
	int modversions;
	struct kdep_buf wl; /* the whitelist value, quotes removed */
	int haswl;
};

static int confline(void *ctx, unsigned line, const char *s, size_t len)
{
	struct autoconf *c = ctx;
	const char *name, *v;
	size_t n, vn, at, used;

	(void)line;
	if (!kdep_confsplit(s, len, &name, &n, &v, &vn))
		return 0;
	if (n == 11 && memcmp(name, "MODVERSIONS", n) == 0 && vn == 1 &&
	    *v == 'y')
		c->modversions = 1;
	if (n != 22 || memcmp(name, "UNUSED_KSYMS_WHITELIST", n) != 0)
		return 0;
	c->wl.len = 0;
	c->haswl = 1;
	/*
	 * Linux < 5.18 quoted strings in auto.conf, escaping '"' and '\':
	 * the text between the outer quotes, where a bare '"' stays.
	 */
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		for (at = 1; at < vn - 1; at += used + 1)
			if (kdep_confunescape(v + at, vn - 1 - at, &c->wl,
					      &used) < 0 ||
			    (at + used < vn - 1 &&
			     kdep_bufadd(&c->wl, "\"", 1) < 0))
				return KDEP_ENOMEM;
		return 0;
	}
	return kdep_bufadd(&c->wl, v, vn) < 0 ? KDEP_ENOMEM : 0;
}

static int readautoconf(const char *file, struct autoconf *c)
{
	struct kdep_buf b = {0};
	int r = kdep_readfile(file, &b, NULL);

	if (r == 0)
		r = eachline(b.data, b.len, confline, c);
	kdep_buffree(&b);
	return r;
}

/*
 * The whitelist file: a relative path is taken under $abs_srctree, even
 * an empty one, as the script does.  Missing or unreadable is the
 * script's own message, exit 1.
 */
static int whitelist(const struct kdep_autoksyms *a, const struct autoconf *c,
		     struct kdep_buf *path)
{
	const char *top = a->abs_srctree;
	struct stat st;

	if (!c->haswl || c->wl.len == 0)
		return 0;
	if (c->wl.data[0] != '/' &&
	    kdep_bufprintf(path, "%s/", top ? top : "") < 0)
		return KDEP_ENOMEM;
	if (kdep_bufadd(path, c->wl.data, c->wl.len) < 0)
		return KDEP_ENOMEM;
	if (stat(path->data, &st) < 0 || !S_ISREG(st.st_mode) ||
	    access(path->data, R_OK) < 0)
		return kdep_err(KDEP_EDATA,
				"ERROR: '%s' whitelist file not found",
				path->data);
	return 1;
}

int kdep_ksyms_needed(const struct kdep_autoksyms *a, struct kdep_ksyms *out)
{
	struct autoconf c = {0, {0}, 0};
	struct kdep_buf wl = {0};
	int r, haswl;

	r = readautoconf(a->autoconf ? a->autoconf : KDEP_AUTOCONF, &c);
	if (r < 0)
		goto out;
	if ((r = haswl = whitelist(a, &c, &wl)) < 0)
		goto out;
	if (a->modorder && (r = readmodorder(out, a->modorder)) < 0)
		goto out;
	if (a->modverdir && (r = readmodverdir(out, a->modverdir)) < 0)
		goto out;
	if (c.modversions && (r = kdep_ksyms_add(out, "module_layout", 13)) < 0)
		goto out;
	if (haswl && (r = readsyms(out, wl.data, 0)) < 0)
		goto out;
	r = kdep_ksyms_sort(out);
out:
	kdep_buffree(&c.wl);
	kdep_buffree(&wl);
	return r;
}
