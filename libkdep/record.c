/*
 * record.c - per-target dependency records: staleness by content.
 *
 * make rebuilds a target when a prerequisite's mtime is newer.  That
 * misses a change made in the same timestamp tick (the 2018
 * TRIM_UNUSED_KSYMS failure on a 1-second filesystem) and rebuilds after
 * a touch or a checkout that went back and forth.  A record keeps, for one
 * target, what it was built from - each file's content hash - so the
 * question becomes "did any content change?".
 *
 * Where: next to the target, as kbuild keeps .cmd files:
 *	dir/foo.o  ->  dir/.foo.o.kdep
 * One file per target, so make -j never has two writers on one record;
 * written to a temporary file and renamed.
 *
 * Format (text, one entry per line, fields separated by one space; the
 * path is last so it may hold spaces; a path with a newline is refused):
 *
 *	kdep-record 1
 *	cmd <xxh64 of the command line, 16 hex digits>
 *	f <hash> <dev> <ino> <size> <mtime s.ns> <ctime s.ns> <path>
 *	s <hash> <dev> <ino> <size> <mtime s.ns> <ctime s.ns> <path>
 *	a <path>
 *	u <path>
 *	end <xxh64 of every byte before this line, 16 hex digits>
 *
 * f is a file that was read (source, header), s a config/ksym stamp, a an
 * absent stamp or unread file such as a 6.3 .rlib (its appearance is a
 * change), u a file that may have changed
 * while the target was being built (mtime not older than the target's or
 * the depfile's): always stale.  Any other line, a missing "end", a bad checksum
 * or another version makes the record unusable, and the target stale.
 *
 * Checking uses stat data as a shortcut, with git's racy rule: an entry
 * whose recorded mtime or ctime is not older than the record file's own
 * mtime (read back from the filesystem, not the clock) could have changed
 * again within the same tick, so it is hashed again.  Otherwise equal
 * dev/ino/size/mtime/ctime mean equal content; a same-size edit with the
 * mtime put back still changes ctime, which no one can set.
 *
 * Empty stamps (the kernel's own kconfig writes them) carry no content: for
 * them a change of mtime or ctime is the change.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define VERSION 1

struct entry {
	char kind; /* 'f' 's' 'a' 'u' */
	uint64_t hash;
	struct stat st;
	char *path;
};

struct kdep_record {
	char *target;
	uint64_t cmdhash;
	struct entry *e;
	size_t n, cap;
	struct kdep_nameset *paths; /* each path once */
};

int kdep_recordpath(struct kdep_buf *out, const char *target)
{
	const char *base = strrchr(target, '/');

	base = base ? base + 1 : target;
	if (kdep_bufadd(out, target, (size_t)(base - target)) < 0 ||
	    kdep_bufprintf(out, ".%s.kdep", base) < 0)
		return KDEP_ENOMEM;
	return 0;
}

struct kdep_record *kdep_record_new(const char *target, const char *cmdline)
{
	struct kdep_record *r = calloc(1, sizeof(*r));

	if (!r || !(r->target = strdup(target)) ||
	    !(r->paths = kdep_nameset_new())) {
		kdep_record_free(r);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	r->cmdhash = kdep_hash(cmdline, strlen(cmdline), 0);
	return r;
}

void kdep_record_free(struct kdep_record *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->e[i].path);
	free(r->e);
	free(r->target);
	kdep_nameset_free(r->paths);
	free(r);
}

static int addentry(struct kdep_record *r, char kind, const char *path,
		    uint64_t hash, const struct stat *st)
{
	struct entry *e;

	if (strchr(path, '\n'))
		return kdep_err(KDEP_EDATA, "cannot record a path with a newline");
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if (!(e = realloc(r->e, cap * sizeof(*e))))
			return kdep_err(KDEP_ENOMEM, "out of memory");
		r->e = e;
		r->cap = cap;
	}
	e = &r->e[r->n];
	memset(e, 0, sizeof(*e));
	if (!(e->path = strdup(path)))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	e->kind = kind;
	e->hash = hash;
	if (st)
		e->st = *st;
	r->n++;
	return 0;
}

int kdep_record_seen(void *ctx, const struct kdep_seen *s)
{
	struct kdep_record *r = ctx;
	struct stat sb;
	uint64_t h;
	int e;

	if ((e = kdep_nameset_add(r->paths, s->path, strlen(s->path))) <= 0)
		return e;
	if (s->st)
		return addentry(r, 'f', s->path, s->hash, s->st);
	/* not read by fixdep (a stamp, a 6.3 .rlib): it may well be absent */
	e = kdep_hashfile(s->path, &h, &sb);
	if (e < 0 && errno == ENOENT)
		return addentry(r, 'a', s->path, 0, NULL);
	if (e < 0)
		return e;
	return addentry(r, s->kind == KDEP_SEEN_STAMP ? 's' : 'f', s->path, h,
			&sb);
}

/*
 * "dev ino size mtime ctime" as records spell them.  The checker compares
 * this text with the record's instead of parsing numbers: the same
 * function writes both.  STATTEXT bounds five formatted integers.
 */
#define STATTEXT 128

static size_t stattext(char *out, const struct stat *st)
{
	int n = snprintf(out, STATTEXT, "%ju %ju %jd %jd.%09ld %jd.%09ld",
			 (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
			 (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
			 st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
			 st->st_ctim.tv_nsec);

	return n > 0 && n < STATTEXT ? (size_t)n : 0;
}

static int printentry(struct kdep_buf *b, const struct entry *e)
{
	char st[STATTEXT];

	if (e->kind == 'a' || e->kind == 'u')
		return kdep_bufprintf(b, "%c %s\n", e->kind, e->path);
	stattext(st, &e->st);
	return kdep_bufprintf(b, "%c %016" PRIx64 " %s %s\n", e->kind, e->hash,
			      st, e->path);
}

/*
 * The moment after which a prerequisite may have changed behind the
 * compiler's back: the older of the target's and the depfile's mtimes.
 * (When the compiler started is not known to fixdep; the depfile is
 * written once the preprocessor has read every header.)
 */
static int threshold(const char *target, const char *depfile,
		     struct timespec *t)
{
	struct stat st;

	if (stat(target, &st) < 0)
		return kdep_errno(KDEP_EIO, "cannot stat target %s", target);
	*t = st.st_mtim;
	if (depfile && stat(depfile, &st) == 0 && kdep_before(&st.st_mtim, t))
		*t = st.st_mtim;
	return 0;
}

int kdep_record_write(struct kdep_record *r, const char *depfile)
{
	struct kdep_buf b = {0}, path = {0};
	struct timespec t = {0, 0};
	size_t i;
	int e;

	if ((e = threshold(r->target, depfile, &t)) < 0)
		return e;
	e = kdep_bufprintf(&b, "kdep-record %d\ncmd %016" PRIx64 "\n", VERSION,
			   r->cmdhash);
	for (i = 0; e == 0 && i < r->n; i++) {
		struct entry *en = &r->e[i];

		if ((en->kind == 'f' || en->kind == 's') &&
		    !kdep_before(&en->st.st_mtim, &t))
			en->kind = 'u';
		e = printentry(&b, en);
	}
	if (e == 0)
		e = kdep_bufprintf(&b, "end %016" PRIx64 "\n",
				   kdep_hash(b.data, b.len, 0));
	if (e == 0 && (e = kdep_recordpath(&path, r->target)) == 0)
		e = kdep_writefile(path.data, b.data, b.len, 0644);
	kdep_buffree(&b);
	kdep_buffree(&path);
	return e;
}

/* ---- checking ---- */

/* What we know of a file now; looked up once per check run. */
struct finfo {
	int exists;
	int hashed;
	int err; /* reading it failed: a change, not a crash */
	struct stat st;
	uint64_t hash;
	size_t textlen;
	char text[STATTEXT]; /* stattext() of st */
};

struct kdep_checker {
	struct kdep_nameset *files; /* path -> struct finfo */
	struct kdep_buf rec, path;
};

struct kdep_checker *kdep_checker_new(void)
{
	struct kdep_checker *c = calloc(1, sizeof(*c));

	if (!c || !(c->files = kdep_nameset_new())) {
		free(c);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	return c;
}

void kdep_checker_free(struct kdep_checker *c)
{
	if (!c)
		return;
	kdep_nameset_each(c->files, free);
	kdep_nameset_free(c->files);
	kdep_buffree(&c->rec);
	kdep_buffree(&c->path);
	free(c);
}

static struct finfo *finfo(struct kdep_checker *c, const char *path)
{
	struct finfo *fi;
	void **val;

	if (kdep_nameset_put(c->files, path, strlen(path), &val) < 0)
		return NULL;
	if (*val)
		return *val;
	if (!(fi = calloc(1, sizeof(*fi)))) {
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	fi->exists = stat(path, &fi->st) == 0;
	if (fi->exists)
		fi->textlen = stattext(fi->text, &fi->st);
	*val = fi;
	return fi;
}

static uint64_t curhash(const char *path, struct finfo *fi)
{
	if (!fi->hashed) {
		fi->hashed = 1;
		fi->err = kdep_hashfile(path, &fi->hash, NULL) < 0;
	}
	return fi->hash;
}

/* 16 lowercase hex digits at p into *v; 0 on success. */
static int parsehash(const char *p, uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 16; i++) {
		int c = p[i], d = c >= '0' && c <= '9'   ? c - '0'
				  : c >= 'a' && c <= 'f' ? c - 'a' + 10
							 : -1;

		if (d < 0)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return 0;
}

/* Past n space-terminated fields from p, or NULL. */
static char *skipfields(char *p, int n)
{
	while (n-- > 0)
		if (!(p = strchr(p, ' ')) || !*++p)
			return NULL;
	return p;
}

/*
 * Split an "f"/"s" line after "<kind> " into stat text and path, the hash
 * being the 16 bytes before the text; 0 or -1.
 */
static int parsefile(char *p, struct entry *en, char **text, size_t *len)
{
	char *path;

	/* the hash is parsed only if the stat data do not decide */
	if (strlen(p) < 17 || p[16] != ' ' || !(path = skipfields(p + 17, 5)))
		return -1;
	*text = p + 17;
	*len = (size_t)(path - 1 - *text);
	en->path = path;
	return 0;
}

struct check {
	struct kdep_checker *c;
	const char *target;
	struct timespec written; /* the record file's mtime */
	kdep_reasonfn fn;
	void *ctx;
	int stale;
};

/*
 * Report "target: [path ]what"; returns 1 when the caller should stop
 * looking (no one wants every reason).
 */
static int reason(struct check *k, const char *path, const char *what)
{
	struct kdep_buf b = {0};

	k->stale = 1;
	if (!k->fn)
		return 1;
	if (kdep_bufprintf(&b, "%s: %s%s%s", k->target, path ? path : "",
			   path ? " " : "", what) == 0)
		k->fn(k->ctx, k->target, b.data);
	kdep_buffree(&b);
	return 0;
}

/* The recorded size, third field of text, is 0. */
static int emptysize(const char *text)
{
	const char *p = strchr(text, ' ');

	p = p ? strchr(p + 1, ' ') : NULL;
	return p && p[1] == '0' && p[2] == ' ';
}

static int checkentry(struct check *k, const struct entry *en,
		      const char *text, size_t len)
{
	struct finfo *fi = finfo(k->c, en->path);
	uint64_t h;

	if (!fi)
		return KDEP_ENOMEM;
	if (en->kind == 'u')
		return reason(k, en->path, "may have changed during the build");
	if (en->kind == 'a')
		return fi->exists ? reason(k, en->path, "appeared") : 0;
	if (!fi->exists)
		return reason(k, en->path, "disappeared");
	/* equal stat data are only trusted when older than the record */
	if (len == fi->textlen && memcmp(text, fi->text, len) == 0 &&
	    kdep_before(&fi->st.st_mtim, &k->written) &&
	    kdep_before(&fi->st.st_ctim, &k->written))
		return 0;
	if (en->kind == 's' && emptysize(text) && fi->st.st_size == 0)
		return reason(k, en->path, "touched");
	if (parsehash(text - 17, &h) < 0)
		return reason(k, k->c->path.data, "is corrupt");
	if (curhash(en->path, fi) != h || fi->err)
		return reason(k, en->path, "changed");
	return 0;
}

/* Split off the next line of [*p, end); NULL at the end. */
static char *nextline(char **p, char *end)
{
	char *s = *p, *nl;

	if (s >= end || !(nl = memchr(s, '\n', (size_t)(end - s))))
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return s;
}

/* Verify the header and checksum; returns the end of the entries. */
static char *verify(struct kdep_buf *rec, char **body)
{
	char *end = rec->data + rec->len, *last;
	uint64_t sum;

	if (rec->len < 2 || end[-1] != '\n')
		return NULL;
	for (last = end - 1; last > rec->data && last[-1] != '\n'; last--)
		;
	if (end - last != 21 || strncmp(last, "end ", 4) != 0 ||
	    parsehash(last + 4, &sum) < 0 ||
	    sum != kdep_hash(rec->data, (size_t)(last - rec->data), 0))
		return NULL;
	*body = rec->data;
	if (strncmp(*body, "kdep-record 1\n", 14) != 0)
		return NULL;
	*body += 14;
	return last;
}

static int checkrecord(struct check *k, const char *cmdline)
{
	struct kdep_checker *c = k->c;
	char *p, *end, *line;
	struct entry en;
	uint64_t cmd;
	int e = 0;

	if (!(end = verify(&c->rec, &p)))
		return reason(k, c->path.data, "is corrupt");
	line = nextline(&p, end);
	if (!line || strncmp(line, "cmd ", 4) != 0 || strlen(line) != 20 ||
	    parsehash(line + 4, &cmd) < 0)
		return reason(k, c->path.data, "is corrupt");
	if (cmdline && cmd != kdep_hash(cmdline, strlen(cmdline), 0) &&
	    reason(k, NULL, "command line changed"))
		return 0;
	while (e == 0 && (line = nextline(&p, end))) {
		char *text = NULL;
		size_t len = 0;

		memset(&en, 0, sizeof(en));
		en.kind = line[0];
		if (line[1] != ' ' || !line[2])
			en.kind = '?';
		else if (en.kind == 'a' || en.kind == 'u')
			en.path = line + 2;
		else if ((en.kind != 'f' && en.kind != 's') ||
			 parsefile(line + 2, &en, &text, &len) < 0)
			en.kind = '?';
		if (en.kind == '?')
			return reason(k, c->path.data, "is corrupt");
		if ((e = checkentry(k, &en, text, len)) < 0)
			return e;
		if (e > 0)
			return 0;
	}
	return 0;
}

int kdep_stale(struct kdep_checker *c, const char *target, const char *cmdline,
	       kdep_reasonfn fn, void *ctx)
{
	struct check k = {.c = c, .target = target, .fn = fn, .ctx = ctx};
	struct stat st;
	int e;

	if (stat(target, &st) < 0) {
		reason(&k, NULL, "missing");
		return 1;
	}
	c->path.len = 0;
	if ((e = kdep_recordpath(&c->path, target)) < 0)
		return e;
	e = kdep_readfile(c->path.data, &c->rec, &st);
	if (e < 0 && errno == ENOENT) {
		reason(&k, NULL, "no record");
		return 1;
	}
	if (e < 0)
		return e;
	k.written = st.st_mtim;
	if ((e = checkrecord(&k, cmdline)) < 0)
		return e;
	return k.stale;
}
