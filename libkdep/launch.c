/*
 * launch.c - per-symbol dependencies for builds that ninja runs: the work
 * of `kdep cc`, a compiler launcher (CMAKE_C_COMPILER_LAUNCHER).
 *
 * With `deps = gcc` (what CMake's Ninja generator writes) ninja reads the
 * depfile only after the compile command exits, so a launcher can rewrite
 * it first.  The rewrite drops each dependency on autoconf.h and lists
 * instead the stamp of every CONFIG_ symbol the source and its headers
 * use, as fixdep does for kbuild:
 *
 *	foo.o: foo.c include/generated/autoconf.h bar.h
 * becomes
 *	foo.o: foo.c \
 *	  bar.h \
 *	  include/config/FOO \
 *	  include/config/BAR_BAZ
 *
 * written in the make dialect with ninja's escapes (depfile.c): a space
 * after N backslashes as 2N+1 backslashes and the space, '#' as "\#", '$'
 * as "$$".  A name that form cannot spell (one ending in ':' or in an odd
 * run of backslashes) is an error, and the depfile is left as it was.
 * Depfiles that list no autoconf.h are not touched.
 *
 * Ninja's rules differ from make's: a listed file that does not exist
 * rebuilds its users on every run, where make's $(wildcard) drops it.  So
 * every stamp listed exists: one that is missing is created as a
 * placeholder, empty and dated 1970-01-01 00:00:01, older than anything
 * built.  A symbol that is unset has no stamp until Kconfig sets it, and
 * both Kconfiglib's sync_deps() (genconfig --sync-deps: it truncates the
 * file, which dates it now) and `kdep sync-config` (which writes its new
 * value into it) then make it newer than its users: they rebuild.  The
 * placeholder is made under a temporary name and linked into place, so it
 * never replaces a stamp a Kconfig tool wrote meanwhile.  Which stamps
 * exist comes from one listing of each stamp folder that holds many of
 * them (listing.c), not from a system call per stamp: a kernel object
 * names some 650.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ---- which depfile a command line writes ---- */

/* gcc and clang options whose value is the next argument */
static const char *const takesarg[] = {
	"-o", "-MF", "-MT", "-MQ", "-I", "-include", "-imacros", "-isystem",
	"-iquote", "-idirafter", "-iprefix", "-iwithprefix", "-isysroot",
	"-x", "-D", "-U", "-Xpreprocessor", "-Xassembler", "-Xlinker",
	"-Xclang", "-L", "-aux-info", "-target", "--param", "-dumpdir",
	"-dumpbase", "-MJ", NULL,
};

static int isin(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

struct depargs {
	const char *out, *mf, *wp, *input;
	size_t wplen;
	int md, m;
};

/* -Wp,A,B,...: options passed to the preprocessor as they are. */
static void wpargs(struct depargs *d, const char *s)
{
	const char *prev = NULL;
	size_t prevlen = 0;

	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		/* cpp's -MD FILE and -MMD FILE; -MF FILE as the driver's */
		if (prev && ((prevlen == 3 && memcmp(prev, "-MD", 3) == 0) ||
			     (prevlen == 4 && memcmp(prev, "-MMD", 4) == 0) ||
			     (prevlen == 3 && memcmp(prev, "-MF", 3) == 0))) {
			d->wp = s;
			d->wplen = n;
		}
		prev = s;
		prevlen = n;
		s += n + (e != NULL);
	}
}

static void readargs(struct depargs *d, char *const *argv)
{
	size_t i;

	for (i = 1; argv[i]; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0)
			d->md = 1;
		else if (strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0)
			d->m = 1;
		else if (strncmp(a, "-Wp,", 4) == 0)
			wpargs(d, a + 4);
		else if ((strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0) &&
			 argv[i + 1])
			*(a[1] == 'o' ? &d->out : &d->mf) = argv[++i];
		else if (strncmp(a, "-MF", 3) == 0)
			d->mf = a + 3;
		else if (strncmp(a, "-o", 2) == 0)
			d->out = a + 2;
		else if (isin(takesarg, a) && argv[i + 1])
			i++;
		else if (a[0] != '-' && !d->input)
			d->input = a;
	}
}

/* name with its suffix (from the basename's last '.') replaced by ".d". */
static int dname(struct kdep_buf *out, const char *name, int base)
{
	const char *slash = strrchr(name, '/');
	const char *b = slash ? slash + 1 : name;
	const char *dot = strrchr(b, '.');
	const char *from = base ? b : name;
	size_t n = dot ? (size_t)(dot - from) : strlen(from);

	if (kdep_bufadd(out, from, n) < 0 || kdep_bufputs(out, ".d") < 0)
		return KDEP_ENOMEM;
	return 1;
}

int kdep_depfileof(char *const *argv, struct kdep_buf *out)
{
	struct depargs d = {0};

	readargs(&d, argv);
	if (d.wp)
		return kdep_bufadd(out, d.wp, d.wplen) < 0 ? KDEP_ENOMEM : 1;
	if ((d.md || d.m) && d.mf)
		return kdep_bufputs(out, d.mf) < 0 ? KDEP_ENOMEM : 1;
	if (!d.md)
		return 0;
	/* gcc and clang: the object's name with .d, or the input's base */
	if (d.out)
		return dname(out, d.out, 0);
	if (d.input)
		return dname(out, d.input, 1);
	return 0;
}

/* ---- the rewrite ---- */

/* A token of the depfile, in its buffer (NUL-terminated once parsed). */
struct tok {
	char *s;
	size_t len;
	int target, autoconf;
};

struct rw {
	const struct kdep_launch *l;
	char *data; /* the depfile's text, tokens point into it */
	struct tok *toks;
	size_t ntoks, cap;
	size_t targets; /* tokens that are targets */
	int found;      /* an autoconf header is a prerequisite */
	struct kdep_nameset *syms;
	struct kdep_buf symlist; /* symbols in order of first use, NUL after each */
	struct kdep_listing stamps; /* which stamps exist */
	struct kdep_buf file, stamp, tmp, out;
};

static const char *const defautoconf[] = {"autoconf.h", NULL};

/* 1 if path is one of the autoconf headers: equal, or ending in /NAME. */
static int isautoconf(const struct kdep_launch *l, const char *s, size_t n)
{
	const char *const *a = l->autoconf ? l->autoconf : defautoconf;

	for (; *a; a++) {
		size_t k = strlen(*a);

		if (n == k ? memcmp(s, *a, k) == 0
			   : n > k && s[n - k - 1] == '/' &&
				     memcmp(s + n - k, *a, k) == 0)
			return 1;
	}
	return 0;
}

static int addtok(void *ctx, const struct kdep_token *t)
{
	struct rw *r = ctx;
	struct tok *k;

	if (r->ntoks == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct tok *p = realloc(r->toks, cap * sizeof(*p));

		if (!p)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		r->toks = p;
		r->cap = cap;
	}
	k = &r->toks[r->ntoks++];
	k->s = r->data + (t->s - r->data);
	k->len = t->len;
	k->target = t->kind == KDEP_TOK_TARGET;
	k->autoconf = isautoconf(r->l, t->s, t->len);
	r->targets += k->target;
	r->found |= !k->target && k->autoconf;
	return 0;
}

/* Tokens into r; 1 if an autoconf header is a prerequisite. */
static int parse(struct rw *r, char *data, size_t len)
{
	size_t i;
	int e;

	r->data = data;
	if ((e = kdep_depparse(data, len, KDEP_DIALECT_MAKE, addtok, r)) < 0)
		return e;
	/*
	 * The parser unescapes in place, so each token ends at or before
	 * the end of its text; the byte after it is a separator or left
	 * over, never part of another token: terminate them all there.
	 */
	for (i = 0; i < r->ntoks; i++)
		r->toks[i].s[r->toks[i].len] = '\0';
	if (!r->targets)
		return kdep_err(KDEP_EDATA, "%s: no targets found",
				r->l->depfile);
	return r->found;
}

static int usesym(void *ctx, const char *name, size_t len)
{
	struct rw *r = ctx;
	int e = kdep_nameset_add(r->syms, name, len);

	if (e <= 0)
		return e < 0 ? kdep_err(KDEP_ENOMEM, "out of memory") : 0;
	if (kdep_bufadd(&r->symlist, name, len) < 0 ||
	    kdep_bufadd(&r->symlist, "", 1) < 0)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	return 0;
}

static int scanfile(struct rw *r, const char *path)
{
	uint64_t h;
	struct stat st;
	int e;

	if (r->l->cache)
		return kdep_cache_scan(r->l->cache, path, usesym, r, &h, &st);
	if ((e = kdep_readfile(path, &r->file, NULL)) < 0)
		return e;
	return kdep_scan(&r->l->scan, r->file.data, r->file.len, usesym, r);
}

/*
 * Scan every prerequisite but the autoconf headers.  Compilers list each
 * file once; one listed twice (concatenated depfiles) is scanned twice,
 * which costs less than a set of all the names would on every run.
 */
static int scanall(struct rw *r)
{
	size_t i;
	int e;

	for (i = 0; i < r->ntoks; i++) {
		const struct tok *t = &r->toks[i];

		if (!t->target && !t->autoconf && (e = scanfile(r, t->s)) < 0)
			return e;
	}
	return 0;
}

/*
 * An empty stamp dated 1970-01-01 00:00:01 at path, unless something is
 * there already (a stamp a Kconfig tool wrote meanwhile wins): made under
 * a temporary name, then linked, which never replaces a file.  Each
 * placeholder is its own file: Kconfig tools rewrite stamps in place.
 */
static int placeholder(struct rw *r, const char *path)
{
	const struct timespec old[2] = {{1, 0}, {1, 0}};
	int fd, e = 0;

	r->tmp.len = 0;
	if (kdep_bufprintf(&r->tmp, "%s.tmp.XXXXXX", path) < 0)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	fd = mkstemp(r->tmp.data);
	if (fd < 0 && errno == ENOENT && kdep_mkparents(path) == 0) {
		/* mkstemp may have filled in the Xs */
		memcpy(r->tmp.data + r->tmp.len - 6, "XXXXXX", 6);
		fd = mkstemp(r->tmp.data);
	}
	if (fd < 0)
		return kdep_errno(KDEP_EWRITE, "cannot create %s", path);
	if (fchmod(fd, 0644) < 0 || futimens(fd, old) < 0)
		e = kdep_errno(KDEP_EWRITE, "cannot create %s", path);
	if (close(fd) < 0 && e == 0)
		e = kdep_errno(KDEP_EWRITE, "cannot create %s", path);
	if (e == 0 && link(r->tmp.data, path) < 0 && errno != EEXIST)
		e = kdep_errno(KDEP_EWRITE, "cannot create %s", path);
	unlink(r->tmp.data);
	return e;
}

/* The stamp path of symbol s into r->stamp, made to exist. */
static int stamp(struct rw *r, const char *s, size_t n)
{
	const char *dir = r->l->configdir ? r->l->configdir : KDEP_CONFIGDIR;
	int e;

	r->stamp.len = 0;
	if ((e = kdep_stamppath(&r->stamp, dir, s, n, r->l->layout)) < 0 ||
	    (e = kdep_mayexist(&r->stamps, r->stamp.data)) == 1)
		return e == KDEP_ENOMEM ? kdep_err(e, "out of memory")
					: e < 0 ? e : 0;
	/* cannot tell: ask for the file itself, for the error */
	if (e == 2 && access(r->stamp.data, F_OK) == 0)
		return 0;
	if (e == 2 && errno != ENOENT && errno != ENOTDIR)
		return kdep_errno(KDEP_EIO, "cannot check %s", r->stamp.data);
	return placeholder(r, r->stamp.data);
}

/* Append name s[0..n) with ninja's escapes; names it cannot spell fail. */
static int putword(struct rw *r, const char *s, size_t n)
{
	struct kdep_buf *b = &r->out;
	size_t i, bs = 0, k;

	for (k = n; k > 0 && s[k - 1] == '\\'; k--)
		;
	if ((n > 0 && s[n - 1] == ':') || (n - k) % 2 == 1 || n == 0)
		return kdep_err(KDEP_EDATA, "%s: cannot write the name '%.*s'",
				r->l->depfile, (int)n, s);
	if (kdep_bufreserve(b, 2 * n + 2) < 0)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	/* most names need no escape: s is NUL-terminated at n */
	if (strcspn(s, " #$") >= n) {
		memcpy(b->data + b->len, s, n + 1);
		b->len += n;
		return 0;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ') {
			/* N backslashes and a space: 2N+1 and the space */
			memset(b->data + b->len, '\\', bs + 1);
			b->len += bs + 1;
		} else if (c == '#') {
			b->data[b->len++] = '\\';
		} else if (c == '$') {
			b->data[b->len++] = '$';
		}
		b->data[b->len++] = c;
		bs = c == '\\' ? bs + 1 : 0;
	}
	b->data[b->len] = '\0';
	return 0;
}

/*
 * Rule toks[i..j) out, targets then prerequisites, each prerequisite on a
 * line of its own, and the stamps after them if stamps.  Autoconf headers
 * are left out, and with them a rule left without a target (-MP's).
 */
static int putrule(struct rw *r, size_t i, size_t j, int stamps)
{
	const char *p, *end = r->symlist.data + r->symlist.len;
	size_t k, nt = 0;
	int e;

	for (k = i; k < j && r->toks[k].target; k++) {
		const char *s = r->toks[k].s;

		if (r->toks[k].autoconf)
			continue;
		if (nt++ && kdep_bufadd(&r->out, " ", 1) < 0)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		if ((e = putword(r, s, r->toks[k].len)) < 0)
			return e;
	}
	if (nt == 0)
		return 0;
	if (kdep_bufadd(&r->out, ":", 1) < 0)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (; k < j; k++) {
		const char *s = r->toks[k].s;

		if (r->toks[k].autoconf)
			continue;
		if (kdep_bufputs(&r->out, " \\\n  ") < 0)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		if ((e = putword(r, s, r->toks[k].len)) < 0)
			return e;
	}
	for (p = r->symlist.data; stamps && p < end; p += strlen(p) + 1) {
		if ((e = stamp(r, p, strlen(p))) < 0)
			return e;
		if (kdep_bufputs(&r->out, " \\\n  ") < 0)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		if ((e = putword(r, r->stamp.data, r->stamp.len)) < 0)
			return e;
	}
	if (kdep_bufadd(&r->out, "\n", 1) < 0)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	return 0;
}

/* Every rule out; the stamps go to the first that lists an autoconf. */
static int putall(struct rw *r)
{
	size_t i = 0, j;
	int done = 0, e;

	while (i < r->ntoks) {
		int has = 0;

		for (j = i; j < r->ntoks && r->toks[j].target; j++)
			;
		for (; j < r->ntoks && !r->toks[j].target; j++)
			has |= r->toks[j].autoconf;
		if ((e = putrule(r, i, j, has && !done)) < 0)
			return e;
		done |= has;
		i = j;
	}
	return 0;
}

/*
 * Size the buffers and tables from the depfile once, instead of growing
 * them step by step (each page a table grows through costs a fault, and
 * pages reserved but never touched cost nothing).  A kernel object's
 * depfile names a file per ~30 bytes and a symbol it uses per ~30 bytes;
 * the rewrite is two to three times as long.
 */
static int reserve(struct rw *r, size_t len)
{
	r->cap = len / 16 + 16;
	if (!(r->toks = malloc(r->cap * sizeof(*r->toks))) ||
	    kdep_bufreserve(&r->out, 3 * len) < 0 ||
	    kdep_bufreserve(&r->symlist, len) < 0 ||
	    kdep_nameset_reserve(r->syms, len / 32) < 0)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	return 0;
}

int kdep_launch_rewrite(const struct kdep_launch *l)
{
	struct rw r = {.l = l, .stamps = {.cache = l->cache}};
	struct kdep_buf dep = {0};
	struct stat st;
	int e;

	r.syms = kdep_nameset_new();
	if (!r.syms) {
		e = kdep_err(KDEP_ENOMEM, "out of memory");
		goto done;
	}
	if ((e = kdep_readfile(l->depfile, &dep, &st)) < 0 ||
	    (e = reserve(&r, dep.len)) < 0 ||
	    (e = parse(&r, dep.data, dep.len)) <= 0 ||
	    (e = scanall(&r)) < 0 || (e = putall(&r)) < 0)
		goto done;
	e = kdep_writefile(l->depfile, r.out.data, r.out.len,
			   st.st_mode & 07777);
	if (e == 0)
		e = 1;
done:
	kdep_nameset_free(r.syms);
	kdep_listing_free(&r.stamps);
	free(r.toks);
	kdep_buffree(&r.symlist);
	kdep_buffree(&r.file);
	kdep_buffree(&r.stamp);
	kdep_buffree(&r.tmp);
	kdep_buffree(&r.out);
	kdep_buffree(&dep);
	return e;
}
