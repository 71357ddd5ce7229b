/*
 * fixdep.c - turn a compiler depfile into kbuild's .cmd text.
 *
 * Output, byte for byte what scripts/basic/fixdep prints (P is "cmd" up
 * to Linux 6.2 and "savedcmd" from 6.3; X is a stamp path, see stamp.c):
 *
 *	P_<target> := <cmdline>
 *
 *	source_<target> := <first prerequisite>
 *
 *	deps_<target> := \
 *	    $(wildcard include/config/X) \      4 spaces: symbols the
 *	  <prerequisite> \                      source uses; 2 spaces: each
 *	    $(wildcard include/config/X) \      other file, then its new
 *	    [-e lines]                          symbols
 *
 *	<target>: $(deps_<target>)
 *
 *	$(deps_<target>):
 *
 * The dependency on autoconf.h is dropped and replaced by the symbols:
 * a change of one option then rebuilds only the objects that use it.
 * Each symbol is listed once per run (source and headers together).
 */
#include <string.h>

#include "internal.h"

struct run {
	const struct kdep_fixdep *f;
	const struct kdep_profile *prof;
	struct kdep_buf *out;
	struct kdep_nameset *syms;  /* symbols listed so far */
	struct kdep_nameset *files; /* 6.3: dependencies listed so far */
	struct kdep_listing stamps; /* which stamps exist */
	struct kdep_buf file;       /* the file being scanned */
	struct kdep_buf stamp;      /* the stamp path being printed */
	int pending;                /* kbuild: a target waits for a source */
	int saw;                    /* the source was seen */
};

static int matches(const char *const *suffixes, const char *s, size_t len)
{
	for (; *suffixes; suffixes++)
		if (kdep_endswith(s, len, *suffixes))
			return 1;
	return 0;
}

/* Append the strings of parts (NULL-terminated): fixed lines, no printf. */
static int cat(struct kdep_buf *b, const char *const *parts)
{
	for (; *parts; parts++)
		if (kdep_bufputs(b, *parts) < 0)
			return KDEP_ENOMEM;
	return 0;
}

/*
 * Append head, s[0..len), tail: the hot lines, a thousand per run, with
 * one reservation and no printf (head and tail are literals: their
 * lengths fold to constants).
 */
static inline int addline(struct kdep_buf *b, const char *head,
			  const char *s, size_t len, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *p;

	if (kdep_bufreserve(b, h + len + t) < 0)
		return KDEP_ENOMEM;
	p = b->data + b->len;
	memcpy(p, head, h);
	memcpy(p + h, s, len);
	memcpy(p + h + len, tail, t + 1);
	b->len += h + len + t;
	return 0;
}

static int seen(struct run *r, enum kdep_seenkind kind, const char *path,
		const struct stat *st, uint64_t hash)
{
	struct kdep_seen s = {.kind = kind, .path = path,
			      .st = st, .hash = hash};

	return r->f->seen ? r->f->seen(r->f->seenctx, &s) : 0;
}

static int nosym(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	(void)name;
	(void)len;
	return 0;
}

/* Tell seen about a file fixdep lists but does not scan: hash or absence. */
static int hashonly(struct run *r, enum kdep_seenkind kind,
		    const char *path)
{
	struct stat st;
	uint64_t h;
	int e;

	if (!r->f->seen)
		return 0;
	if ((e = kdep_mayexist(&r->stamps, path)) <= 0)
		return e < 0 ? e : seen(r, kind, path, NULL, 0);
	if (r->f->cache)
		e = kdep_cache_scan(r->f->cache, path, nosym, NULL, &h, &st);
	else
		e = kdep_hashfile(path, &h, &st);
	if (e < 0) {
		/*
		 * fixdep itself never reads these files, so it must not
		 * fail for them: a record notes what it could not hash.
		 */
		struct kdep_seen u = {.kind = kind,
				      .path = path, .unreadable = 1};

		if (e == KDEP_ENOMEM)
			return e;
		if (e == KDEP_ENOENT)
			return seen(r, kind, path, NULL, 0);
		return r->f->seen(r->f->seenctx, &u);
	}
	return seen(r, kind, path, &st, h);
}

/*
 * Print the stamp of symbol name under dir and tell seen of it: by its
 * state, or, for a CONFIG symbol when the caller keeps values, by name.
 */
static int printstamp(struct run *r, const char *dir, const char *name,
		      size_t len, int config)
{
	int e;

	r->stamp.len = 0;
	if ((e = kdep_stamppath(&r->stamp, dir, name, len,
				r->prof->layout)) < 0 ||
	    (e = addline(r->out, "    $(wildcard ", r->stamp.data,
			 r->stamp.len, ") \\\n")) < 0)
		return e;
	if (config && r->f->configbyname && r->f->seen) {
		struct kdep_seen s = {.kind = KDEP_SEEN_CONFIG,
				      .path = r->stamp.data,
				      .name = name,
				      .namelen = len};

		return r->f->seen(r->f->seenctx, &s);
	}
	return hashonly(r, KDEP_SEEN_STAMP, r->stamp.data);
}

static int usesym(void *ctx, const char *name, size_t len)
{
	struct run *r = ctx;
	int added = kdep_nameset_add(r->syms, name, len);

	if (added <= 0)
		return added;
	return printstamp(r, r->prof->configdir, name, len, 1);
}

/* A cached scan under way: the seen callback hears of it once. */
struct cached {
	struct run *r;
	enum kdep_seenkind kind;
	int told;
	const char *path;
	uint64_t hash;
	struct stat st;
};

static int tell(struct cached *c)
{
	c->told = 1;
	return seen(c->r, c->kind, c->path, &c->st, c->hash);
}

/*
 * The cache sets the hash and stat data before the first symbol: the seen
 * callback hears of the file then, before its stamps, as without a cache
 * (records come out the same).
 */
static int cachedsym(void *ctx, const char *name, size_t len)
{
	struct cached *c = ctx;
	int e;

	if (!c->told && (e = tell(c)) != 0)
		return e;
	return usesym(c->r, name, len);
}

static int cachedscan(struct run *r, const char *path,
		      enum kdep_seenkind kind)
{
	struct cached c = {r, kind, 0, path, 0, {0}};
	int e;

	if (!r->f->seen)
		return kdep_cache_scan(r->f->cache, path, usesym, r, &c.hash,
				       &c.st);
	if ((e = kdep_cache_scan(r->f->cache, path, cachedsym, &c, &c.hash,
				 &c.st)) != 0)
		return e;
	return c.told ? 0 : tell(&c);
}

/* Read path and list the symbols it uses that are new to this run. */
static int scanfile(struct run *r, const char *path, size_t len,
		    enum kdep_seenkind kind)
{
	struct stat st;
	uint64_t hash = 0;
	int e;

	if (matches(r->prof->noscan, path, len))
		return hashonly(r, kind, path);
	if (r->f->cache)
		return cachedscan(r, path, kind);
	/* without a record, stat data is not needed: read with no fstat */
	if ((e = kdep_readfile(path, &r->file, r->f->seen ? &st : NULL)) < 0)
		return e;
	if (r->f->seen)
		hash = kdep_hash(r->file.data, r->file.len, 0);
	if ((e = seen(r, kind, path, &st, hash)) != 0)
		return e;
	return kdep_scan(&r->prof->scan, r->file.data, r->file.len, usesym, r);
}

static int printsource(struct run *r, const char *path)
{
	const char *t = r->f->target;

	return cat(r->out, (const char *const[]){"source_", t, " := ", path,
						 "\n\ndeps_", t, " := \\\n",
						 NULL});
}

/*
 * Up to 6.2 the source is the first prerequisite after a target that is
 * not ignored (an ignored one passes the role on); every later "first"
 * prerequisite of concatenated depfiles is dropped but still scanned.
 */
static int kbuildtoken(struct run *r, const struct kdep_token *t,
		       int *pending, int *saw)
{
	int e;

	if (t->kind == KDEP_TOK_TARGET) {
		*pending = 1;
		return 0;
	}
	if (matches(r->prof->ignore, t->s, t->len))
		return 0;
	if (*pending) {
		*pending = 0;
		if (!*saw) {
			*saw = 1;
			if ((e = printsource(r, t->s)) < 0)
				return e;
			return scanfile(r, t->s, t->len, KDEP_SEEN_SOURCE);
		}
	} else if ((e = addline(r->out, "  ", t->s, t->len, " \\\n")) < 0) {
		return e;
	}
	return scanfile(r, t->s, t->len, KDEP_SEEN_DEP);
}

/*
 * From 6.3 the source is the word right after ':' and is never ignored;
 * later sources are neither listed nor scanned, and each dependency is
 * listed (and scanned) once.
 */
static int kbuild63token(struct run *r, const struct kdep_token *t, int *saw)
{
	int e;

	if (t->kind == KDEP_TOK_TARGET)
		return 0;
	if (t->first) {
		if (*saw)
			return 0;
		*saw = 1;
		if ((e = printsource(r, t->s)) < 0)
			return e;
		return scanfile(r, t->s, t->len, KDEP_SEEN_SOURCE);
	}
	if (matches(r->prof->ignore, t->s, t->len))
		return 0;
	if ((e = kdep_nameset_add(r->files, t->s, t->len)) <= 0)
		return e;
	if ((e = addline(r->out, "  ", t->s, t->len, " \\\n")) < 0)
		return e;
	return scanfile(r, t->s, t->len, KDEP_SEEN_DEP);
}

static int token(void *ctx, const struct kdep_token *t)
{
	struct run *r = ctx;

	if (r->prof->dialect == KDEP_DIALECT_KBUILD)
		return kbuildtoken(r, t, &r->pending, &r->saw);
	return kbuild63token(r, t, &r->saw);
}

static int parsedeps(struct run *r, char *data, size_t len)
{
	int e = kdep_depparse(data, len, r->prof->dialect, token, r);

	if (e == 0 && !r->saw)
		e = kdep_err(KDEP_EDATA, "parse error; no targets found");
	return e;
}

/*
 * -e (Linux 4.7 .. 4.20): one symbol per line on stdin, each ending in a
 * newline.  "KSYM_foo" is a symbol exported by the object, stamped as
 * include/config/ksym/foo.h; a bare "foo" is stamped under include/ksym.
 * Printed in order, not deduplicated, as upstream did.
 */
static int extradeps(struct run *r)
{
	const char *p = r->f->extra, *end = p + r->f->extralen;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *dir = KDEP_KSYMDIR;
		int e;

		if (!nl || nl == p || !kdep_isname(p, (size_t)(nl - p)))
			return kdep_err(KDEP_EDATA, "bad data on stdin");
		if (nl - p > 5 && memcmp(p, "KSYM_", 5) == 0)
			dir = r->prof->configdir;
		if ((e = printstamp(r, dir, p, (size_t)(nl - p), 0)) < 0)
			return e;
		p = nl + 1;
	}
	return 0;
}

/*
 * Size the output and the name tables from the depfile, once, instead of
 * growing them step by step.  Kernel objects print about 3 bytes and use
 * about one symbol and one file per 32 bytes of depfile.
 */
static int reserve(struct run *r, size_t deplen)
{
	if (kdep_bufreserve(r->out, 3 * deplen) < 0 ||
	    kdep_nameset_reserve(r->syms, deplen / 32) < 0 ||
	    (r->prof->dialect == KDEP_DIALECT_KBUILD63 &&
	     kdep_nameset_reserve(r->files, deplen / 32) < 0))
		return KDEP_ENOMEM;
	return 0;
}

int kdep_fixdep(const struct kdep_fixdep *f, struct kdep_buf *out)
{
	struct kdep_buf dep = {0};
	struct run r = {.f = f, .prof = f->prof, .out = out,
			.stamps = {.cache = f->cache}};
	const char *t = f->target;
	int e;

	r.syms = kdep_nameset_new();
	r.files = kdep_nameset_new();
	if (!r.syms || !r.files) {
		e = KDEP_ENOMEM;
		goto done;
	}
	if ((e = cat(out, (const char *const[]){f->prof->cmdvar, "_", t,
						" := ", f->cmdline, "\n\n",
						NULL})) < 0 ||
	    (e = kdep_readfile(f->depfile, &dep, NULL)) < 0 ||
	    (e = reserve(&r, dep.len)) < 0 ||
	    (e = parsedeps(&r, dep.data, dep.len)) < 0)
		goto done;
	if (f->extra && (e = extradeps(&r)) < 0)
		goto done;
	e = cat(out, (const char *const[]){"\n", t, ": $(deps_", t,
					   ")\n\n$(deps_", t, "):\n", NULL});
done:
	kdep_nameset_free(r.syms);
	kdep_nameset_free(r.files);
	kdep_listing_free(&r.stamps);
	kdep_buffree(&r.file);
	kdep_buffree(&r.stamp);
	kdep_buffree(&dep);
	return e;
}
