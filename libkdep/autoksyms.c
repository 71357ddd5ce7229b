/*
 * autoksyms.c - CONFIG_TRIM_UNUSED_KSYMS: the symbols modules need, the
 * header that keeps only those exported, and one stamp per symbol.
 *
 * This is the work of the kernel's scripts/adjust_autoksyms.sh,
 * gen_autoksyms.sh (Linux 4.7-6.3) and gen_ksymdeps.sh (5.0-6.3).
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
 * What is left must be an identifier, [A-Za-z0-9_]{1,1024}; anything else
 * is an error naming file:line, because the name becomes a file name under
 * the stamp folder and a word in make's input.  __this_module is dropped
 * (resolved when the .ko is linked, never exported).  The list is sorted
 * bytewise (LC_COLLATE=C, as kbuild exports) without duplicates.
 *
 * include/generated/autoksyms.h, byte for byte what the scripts write:
 *
 *   /\*
 *    * Automatically generated file; DO NOT EDIT.
 *    *\/
 *   <empty line>
 *   #define __KSYM_<sym> 1          one line per symbol, sorted
 *
 * Stamps: include/ksym/<sym> (flat, Linux >= 5.15) or, for older trees,
 * <dir>/<lower, '_' -> '/'>.h (split, see stamp.c).  kbuild's .cmd files
 * name them in $(wildcard ...) so that a change of one symbol rebuilds
 * only the objects that export it.  The scripts left them empty and only
 * touched them; ours hold the symbol's state so that a content check
 * (kdep records) sees every change, not only mtime-based make:
 *
 *   "__KSYM_<sym> 1\n"         the symbol is needed (in the new header)
 *   "__KSYM_<sym> 0\n"         the symbol was dropped
 *   "__KSYM_<sym> 1 redo\n"    the same states, written when a run finds
 *   "__KSYM_<sym> 0 redo\n"    the stamp already in the state it wants
 *
 * The "redo" spelling exists for crashes.  A run writes the new header to
 * <header>.tmpnew, then the stamps of the symbols that changed, each with
 * an mtime strictly later than the new header's, then renames the header
 * into place.  If it dies before the rename the next run computes the
 * same change and redoes it: nothing is lost.  But objects compiled in
 * between saw the stamp's new content while the old header was still in
 * place; rewriting the same content would leave them looking up to date to
 * a content check.  So a stamp that already holds the wanted state is
 * rewritten in the other spelling: its content always changes when the
 * header's state for that symbol changes.  Both spellings mean the same
 * state; a reader must only look at the digit.
 *
 * The ksymdeps block gen_ksymdeps.sh appends to an object's .cmd file
 * (nothing at all when the object has no __ksym_marker_ symbol):
 *
 *   <empty line>
 *   ksymdeps_<obj> := \
 *       $(wildcard <stamp>) \       one per marker, in nm's order
 *   <empty line>
 *   <obj>: $(ksymdeps_<obj>)
 *   <empty line>
 *   $(ksymdeps_<obj>):
 *
 * nm lists symbols sorted by name (strcoll, i.e. bytewise under kbuild's
 * LC_COLLATE=C), so markers are sorted by their full symbol name.
 *
 * Where we differ from the scripts, on purpose:
 *   - A missing modules.order or .usyms file is an error; the scripts
 *     printed cat's complaint and went on with a shorter list, trimming
 *     exports that modules need.
 *   - A missing autoksyms.h is an empty list (every symbol is new); the
 *     scripts' sort failed, so nothing changed and nothing was rebuilt.
 *   - Names that are not identifiers are refused (see above), in
 *     __ksym_marker_ symbols too.
 *   - An object that is not ELF is an error; the scripts hid nm's message
 *     and printed nothing.  LLVM bitcode objects (clang LTO) are refused
 *     with a message that says so.
 *   - With .mod files (4.14), __this_module is dropped and module_layout is
 *     sorted in; 4.14 kept the one and appended the other.  Neither changes
 *     what the header makes the kernel export.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAXNAME 1024

static const char hdrtop[] = "/*\n"
			     " * Automatically generated file; DO NOT EDIT.\n"
			     " */\n"
			     "\n";
static const char defpfx[] = "#define __KSYM_";

static const char *orstr(const char *s, const char *def)
{
	return s ? s : def;
}

/* ---- symbol lists -------------------------------------------------------- */

const char *kdep_ksyms_name(const struct kdep_ksyms *l, size_t i)
{
	return l->names.data + l->off[i];
}

int kdep_ksyms_add(struct kdep_ksyms *l, const char *name, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		size_t *off;

		if (cap > (size_t)-1 / sizeof(*off))
			return kdep_err(KDEP_ENOMEM, "out of memory");
		off = realloc(l->off, cap * sizeof(*off));
		if (!off)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		l->off = off;
		l->cap = cap;
	}
	l->off[l->n] = l->names.len;
	if (kdep_bufadd(&l->names, name, len) < 0 ||
	    kdep_bufadd(&l->names, "", 1) < 0)
		return KDEP_ENOMEM;
	l->n++;
	return 0;
}

/* strcmp compares as unsigned char: the C locale's (bytewise) order. */
static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int kdep_ksyms_sort(struct kdep_ksyms *l)
{
	const char **v;
	size_t i, n = 0;

	if (l->n < 2)
		return 0;
	v = malloc(l->n * sizeof(*v));
	if (!v)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (i = 0; i < l->n; i++)
		v[i] = kdep_ksyms_name(l, i);
	qsort(v, l->n, sizeof(*v), cmpstr);
	for (i = 0; i < l->n; i++)
		if (n == 0 || strcmp(v[i], v[n - 1]) != 0)
			v[n++] = v[i];
	for (i = 0; i < n; i++)
		l->off[i] = (size_t)(v[i] - l->names.data);
	l->n = n;
	free(v);
	return 0;
}

/* Compare the string a with b[0..len): like strcmp on the two strings. */
static int cmpname(const char *a, const char *b, size_t len)
{
	size_t alen = strlen(a);
	int c = memcmp(a, b, alen < len ? alen : len);

	if (c)
		return c;
	return alen < len ? -1 : alen > len;
}

int kdep_ksyms_has(const struct kdep_ksyms *l, const char *name, size_t len)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmpname(kdep_ksyms_name(l, mid), name, len);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void kdep_ksyms_free(struct kdep_ksyms *l)
{
	kdep_buffree(&l->names);
	free(l->off);
	l->off = NULL;
	l->n = l->cap = 0;
}

/* ---- reading symbols ----------------------------------------------------- */

/*
 * Explain a bad symbol without echoing bytes that could break the line:
 * "FILE:LINE: WHAT: ..." (no ":LINE" when line is 0).
 */
static int badsym(const char *file, unsigned line, const char *what,
		  const char *s, size_t len)
{
	struct kdep_buf at = {0};
	size_t i = 0;
	int r;

	if ((line ? kdep_bufprintf(&at, "%s:%u", file, line)
		  : kdep_bufputs(&at, file)) < 0)
		return KDEP_ENOMEM;
	while (i < len && kdep_isident((unsigned char)s[i]))
		i++;
	if (len == 0)
		r = kdep_err(KDEP_EDATA, "%s: %s: empty name", at.data, what);
	else if (i == len)
		r = kdep_err(KDEP_EDATA, "%s: %s: longer than %d bytes",
			     at.data, what, MAXNAME);
	else
		r = kdep_err(KDEP_EDATA, "%s: %s: byte 0x%02x at offset %zu",
			     at.data, what, (unsigned char)s[i], i);
	kdep_buffree(&at);
	return r;
}

/* One word of a symbol file: drop one '.', check, skip __this_module. */
static int addword(struct kdep_ksyms *l, const char *file, unsigned line,
		   const char *s, size_t len)
{
	if (len > 0 && s[0] == '.') {
		s++;
		len--;
	}
	if (len == 0 || len > MAXNAME || !kdep_isname(s, len))
		return badsym(file, line, "bad symbol name", s, len);
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

/* Linux 4.14: line 3 of every DIR/<name>.mod, as the script's glob. */
static int readmodverdir(struct kdep_ksyms *l, const char *dir)
{
	struct kdep_ksyms files = {0};
	struct kdep_buf names = {0}, path = {0};
	size_t i, at, n;
	int r = kdep_listdir(dir, &names);

	if (r == KDEP_EIO || r == KDEP_ENOENT)
		r = kdep_errno(KDEP_EIO, "error opening folder: %s", dir);
	for (at = 0; r == 0 && at < names.len; at += n + 1) {
		const char *name = names.data + at;

		n = strlen(name);
		if (name[0] != '.' && kdep_endswith(name, n, ".mod"))
			r = kdep_ksyms_add(&files, name, n);
	}
	/* sorted, as the shell's glob is: the first bad file is reported */
	if (r == 0)
		r = kdep_ksyms_sort(&files);
	for (i = 0; r == 0 && i < files.n; i++) {
		path.len = 0;
		if (kdep_bufprintf(&path, "%s/%s", dir,
				   kdep_ksyms_name(&files, i)) < 0)
			r = KDEP_ENOMEM;
		else
			r = readsyms(l, path.data, 3);
	}
	kdep_ksyms_free(&files);
	kdep_buffree(&names);
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
	struct stat st;

	if (!c->haswl || c->wl.len == 0)
		return 0;
	if (c->wl.data[0] != '/' &&
	    kdep_bufprintf(path, "%s/", orstr(a->abs_srctree, "")) < 0)
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

	r = readautoconf(orstr(a->autoconf, KDEP_AUTOCONF), &c);
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

/* ---- the header ---------------------------------------------------------- */

int kdep_ksyms_header(const struct kdep_ksyms *l, struct kdep_buf *out)
{
	size_t i;

	if (kdep_bufadd(out, hdrtop, sizeof(hdrtop) - 1) < 0)
		return KDEP_ENOMEM;
	for (i = 0; i < l->n; i++)
		if (kdep_bufprintf(out, "%s%s 1\n", defpfx,
				   kdep_ksyms_name(l, i)) < 0)
			return KDEP_ENOMEM;
	return 0;
}

struct hdrparse {
	struct kdep_ksyms *l;
	const char *file;
	size_t count;
};

static int hdrline(void *ctx, unsigned line, const char *s, size_t len)
{
	struct hdrparse *h = ctx;
	size_t n = sizeof(defpfx) - 1;

	if (len < n || memcmp(s, defpfx, n) != 0)
		return 0;
	h->count++; /* grep -c "^#define __KSYM_" */
	if (len < n + 3 || memcmp(s + len - 2, " 1", 2) != 0 ||
	    len - n - 2 > MAXNAME || !kdep_isname(s + n, len - n - 2))
		return kdep_err(KDEP_EDATA, "%s:%u: not a '%s<symbol> 1' line",
				h->file, line, defpfx);
	return kdep_ksyms_add(h->l, s + n, len - n - 2);
}

int kdep_ksyms_readheader(const char *path, struct kdep_ksyms *out,
			  size_t *count)
{
	struct kdep_buf b = {0};
	struct hdrparse h = {out, path, 0};
	int r = kdep_readfile(path, &b, NULL);

	if (r == KDEP_ENOENT) {
		r = 0; /* no header yet: every symbol is new */
	} else if (r == 0) {
		r = eachline(b.data, b.len, hdrline, &h);
		if (r == 0)
			r = kdep_ksyms_sort(out);
	}
	if (count)
		*count = h.count;
	kdep_buffree(&b);
	return r;
}

int kdep_ksyms_gen(const struct kdep_autoksyms *a, const char *path)
{
	struct kdep_ksyms l = {0};
	struct kdep_buf text = {0};
	int r;

	if ((r = kdep_ksyms_needed(a, &l)) == 0 &&
	    (r = kdep_ksyms_header(&l, &text)) == 0 &&
	    (r = kdep_mkparents(path)) == 0)
		r = kdep_writefile(path, text.data, text.len, 0644);
	kdep_ksyms_free(&l);
	kdep_buffree(&text);
	return r;
}

/* ---- plan and apply ------------------------------------------------------ */

/* changed = the symmetric difference of two sorted lists, sorted. */
static int diff(const struct kdep_ksyms *a, const struct kdep_ksyms *b,
		struct kdep_ksyms *changed)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		const char *s;
		int c;

		if (i == a->n)
			c = 1;
		else if (j == b->n)
			c = -1;
		else
			c = strcmp(kdep_ksyms_name(a, i),
				   kdep_ksyms_name(b, j));
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		s = c < 0 ? kdep_ksyms_name(a, i++) : kdep_ksyms_name(b, j++);
		if (kdep_ksyms_add(changed, s, strlen(s)) < 0)
			return KDEP_ENOMEM;
	}
	return 0;
}

int kdep_ksyms_plan(const struct kdep_autoksyms *a, struct kdep_ksymplan *p)
{
	const char *hdr = orstr(a->header, KDEP_KSYMHEADER);
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = kdep_ksyms_needed(a, &p->want)) < 0 ||
	    (r = kdep_ksyms_readheader(hdr, &p->old, &p->before)) < 0 ||
	    (r = diff(&p->old, &p->want, &p->changed)) < 0 ||
	    (r = kdep_ksyms_header(&p->want, &p->text)) < 0)
		return r;
	p->after = p->want.n;
	return 0;
}

void kdep_ksymplan_free(struct kdep_ksymplan *p)
{
	kdep_ksyms_free(&p->old);
	kdep_ksyms_free(&p->want);
	kdep_ksyms_free(&p->changed);
	kdep_buffree(&p->text);
}

int kdep_ksymstamp(const struct kdep_autoksyms *a, const char *name, size_t len,
		   int needed, const struct timespec *after,
		   struct timespec *mtime)
{
	static const struct timespec epoch = {0, 0};
	struct kdep_buf path = {0}, c = {0};
	struct timespec t;
	int r;

	if (len > MAXNAME)
		return kdep_err(KDEP_EDATA, "symbol name longer than %d bytes",
				MAXNAME);
	r = kdep_stamppath(&path, orstr(a->ksymdir, KDEP_KSYMDIR), name, len,
			   (enum kdep_layout)a->layout);
	if (r < 0)
		goto out;
	r = KDEP_ENOMEM;
	if (kdep_bufadd(&c, "__KSYM_", 7) < 0 ||
	    kdep_bufadd(&c, name, len) < 0 ||
	    kdep_bufputs(&c, needed ? " 1\n" : " 0\n") < 0)
		goto out;
	r = kdep_writestamp(path.data, c.data, c.len, after ? after : &epoch,
			    mtime ? mtime : &t);
	if (r == 0) {
		/*
		 * Already in this state: a redo after a crash between the
		 * stamps and the header.  Objects built in between saw this
		 * content, so write a new one that content checks notice.
		 */
		c.len--;
		r = kdep_bufputs(&c, " redo\n");
		if (r == 0)
			r = kdep_writestamp(path.data, c.data, c.len,
					    after ? after : &epoch,
					    mtime ? mtime : &t);
	}
out:
	kdep_buffree(&path);
	kdep_buffree(&c);
	return r;
}

/*
 * On a filesystem with 1-second times a stamp may have been dated up to a
 * second ahead of the clock.  Files the rebuild writes before the clock
 * gets there would look older than the stamp and be rebuilt once more by
 * the next make; the scripts waited in a busy loop, we sleep.  At most 2 s,
 * whatever the filesystem's clock says.
 */
static void waitpast(const struct timespec *t)
{
	struct timespec now, d;

	clock_gettime(CLOCK_REALTIME, &now);
	if (!kdep_before(&now, t))
		return;
	d.tv_sec = t->tv_sec - now.tv_sec;
	d.tv_nsec = t->tv_nsec - now.tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += 1000000000L;
	}
	if (d.tv_sec >= 2)
		d.tv_sec = 2;
	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

/* Write text to path (created or truncated); *mtime gets its mtime. */
static int writetmp(const char *path, const struct kdep_buf *text,
		    struct timespec *mtime)
{
	struct stat st;
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return kdep_errno(KDEP_EWRITE, "cannot create %s", path);
	if (kdep_writeall(fd, text->data, text->len) < 0)
		r = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
	if (close(fd) < 0 && r == 0)
		r = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
	/* stat after close: some network filesystems date a file on close */
	if (r == 0 && stat(path, &st) < 0)
		r = kdep_errno(KDEP_EWRITE, "cannot stat %s", path);
	if (r < 0) {
		unlink(path);
		return r;
	}
	*mtime = st.st_mtim;
	return 0;
}

/* The stamp of changed symbol i; *newest keeps the latest stamp mtime. */
static int stamp(const struct kdep_autoksyms *a, const struct kdep_ksymplan *p,
		 size_t i, const struct timespec *after,
		 struct timespec *newest)
{
	const char *s = kdep_ksyms_name(&p->changed, i);
	size_t len = strlen(s);
	struct timespec t;
	int r;

	r = kdep_ksymstamp(a, s, len, kdep_ksyms_has(&p->want, s, len), after,
			   &t);
	if (r < 0)
		return r;
	if (kdep_before(newest, &t))
		*newest = t;
	return 0;
}

int kdep_ksyms_apply(const struct kdep_autoksyms *a,
		     const struct kdep_ksymplan *p)
{
	const char *hdr = orstr(a->header, KDEP_KSYMHEADER);
	struct kdep_buf tmp = {0};
	struct timespec after, newest = {0, 0};
	size_t i;
	int r;

	if (kdep_bufprintf(&tmp, "%s.tmpnew", hdr) < 0)
		return KDEP_ENOMEM;
	if ((r = writetmp(tmp.data, &p->text, &after)) < 0)
		goto out;
	/* stamps first: a crash before the rename makes the next run redo */
	for (i = 0; i < p->changed.n; i++)
		if ((r = stamp(a, p, i, &after, &newest)) < 0)
			goto fail;
	if (rename(tmp.data, hdr) < 0) {
		r = kdep_errno(KDEP_EWRITE, "cannot rename %s to %s", tmp.data,
			       hdr);
		goto fail;
	}
	waitpast(&newest);
	goto out;
fail:
	unlink(tmp.data);
out:
	kdep_buffree(&tmp);
	return r;
}

/* ---- ksymdeps ------------------------------------------------------------ */

struct markers {
	const char **v; /* full symbol names, into the object's bytes */
	size_t n, cap;
};

/* sed 's/.*__ksym_marker_\(.*\)/\1/': what follows the last marker */
static const char *markerof(const char *s, size_t len)
{
	static const char m[] = "__ksym_marker_";
	const size_t n = sizeof(m) - 1;
	const char *hit = NULL;
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (s[i] == '_' && memcmp(s + i, m, n) == 0)
			hit = s + i + n;
	return hit;
}

static int onsym(void *ctx, const char *name, size_t len)
{
	struct markers *m = ctx;

	if (!markerof(name, len))
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		const char **v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = name;
	return 0;
}

static int putdeps(const char *obj, const struct markers *m,
		   const char *ksymdir, int layout, struct kdep_buf *out)
{
	size_t i, start = out->len;
	int r = 0;

	for (i = 0; i < m->n; i++) {
		const char *s = markerof(m->v[i], strlen(m->v[i]));
		size_t len = strlen(s);

		if (len == 0)
			continue; /* the shell's word splitting drops it */
		if (len > MAXNAME || !kdep_isname(s, len))
			return badsym(obj, 0, "bad __ksym_marker_ symbol", s,
				      len);
		if (out->len == start &&
		    kdep_bufprintf(out, "\nksymdeps_%s := \\\n", obj) < 0)
			return KDEP_ENOMEM;
		if (kdep_bufputs(out, "    $(wildcard ") < 0 ||
		    (r = kdep_stamppath(out, ksymdir, s, len,
					(enum kdep_layout)layout)) < 0 ||
		    kdep_bufputs(out, ") \\\n") < 0)
			return r < 0 ? r : KDEP_ENOMEM;
	}
	if (out->len != start &&
	    kdep_bufprintf(out, "\n%s: $(ksymdeps_%s)\n\n$(ksymdeps_%s):\n",
			   obj, obj, obj) < 0)
		return KDEP_ENOMEM;
	return 0;
}

int kdep_ksymdeps(const char *obj, const char *ksymdir, int layout,
		  struct kdep_buf *out)
{
	struct kdep_buf b = {0};
	struct markers m = {0};
	int r;

	if ((r = kdep_readfile(obj, &b, NULL)) == 0 &&
	    (r = kdep_elf_symbols(b.data, b.len, obj, onsym, &m)) == 0) {
		if (m.n > 1)
			qsort(m.v, m.n, sizeof(*m.v), cmpstr);
		r = putdeps(obj, &m, orstr(ksymdir, KDEP_KSYMDIR), layout,
			    out);
	}
	free(m.v);
	kdep_buffree(&b);
	return r;
}
