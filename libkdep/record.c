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
 * change), u a file that may have changed while the target was being
 * built (mtime not older than the target's or the depfile's) or that
 * could not be read: always stale.  Any other line, a missing "end", a
 * bad checksum or another version makes the record unusable, and the
 * target stale.
 *
 * Checking uses stat data as a shortcut, with git's racy rule: an entry
 * whose recorded mtime or ctime is not older than the record file's own
 * mtime (read back from the filesystem, not the clock) could have changed
 * again within the same tick, so it is hashed again.  Otherwise equal
 * dev/ino/size/mtime/ctime mean equal content; a same-size edit with the
 * mtime put back still changes ctime, which no one can set.
 *
 * Stamps are named by the hundred and most do not exist: which ones do
 * comes from a listing of their folder (kept in the scan cache, when
 * there is one), and only those are stat'ed and hashed.  Stamps with
 * content (kdep sync-config and autoksyms write the symbol's state) are
 * compared by content like any file; empty ones (the kernel's own kconfig
 * writes them) carry no content: for them a change of mtime or ctime is
 * the change.
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
	const struct stat *st;
	char *path;
};

/*
 * A record is formatted as files are seen and written out in pieces of
 * FLUSH bytes to a temporary file, renamed into place by
 * kdep_record_write: a 100 KB record then touches 16 KB of fresh memory,
 * not 100 (every new page is a fault, microseconds on a VM).
 */
#define FLUSH (16 * 1024)

struct kdep_record {
	char *target;
	struct timespec since;     /* files not older than this: 'u' */
	struct kdep_buf text;      /* formatted, not written yet */
	struct kdep_hashstate sum; /* of all text so far: the end line */
	struct kdep_out out;
	int open;                  /* out is open */
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

static int threshold(const char *target, const char *depfile,
		     struct timespec *t);
static int printentry(struct kdep_buf *b, const struct entry *e);

struct kdep_record *kdep_record_new(const char *target, const char *depfile,
				    const char *cmdline)
{
	struct kdep_record *r = calloc(1, sizeof(*r));

	if (!r || !(r->target = strdup(target)) ||
	    kdep_bufprintf(&r->text, "kdep-record %d\ncmd %016" PRIx64 "\n",
			   VERSION, kdep_hash(cmdline, strlen(cmdline), 0)) < 0) {
		kdep_record_free(r);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	if (threshold(target, depfile, &r->since) < 0) {
		kdep_record_free(r);
		return NULL;
	}
	kdep_hashinit(&r->sum, 0);
	if (kdep_bufreserve(&r->text, FLUSH + 4096) < 0) {
		kdep_record_free(r);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	return r;
}

void kdep_record_free(struct kdep_record *r)
{
	if (!r)
		return;
	if (r->open)
		kdep_outabort(&r->out);
	free(r->target);
	kdep_buffree(&r->text);
	free(r);
}

/* Write out the text so far (opening the temporary file first). */
static int flush(struct kdep_record *r)
{
	struct kdep_buf path = {0};
	int e;

	if (!r->open) {
		if ((e = kdep_recordpath(&path, r->target)) == 0)
			e = kdep_outopen(&r->out, path.data, 0644);
		kdep_buffree(&path);
		if (e < 0)
			return e;
		r->open = 1;
	}
	kdep_hashupdate(&r->sum, r->text.data, r->text.len);
	e = kdep_outwrite(&r->out, r->text.data, r->text.len);
	r->text.len = 0;
	return e;
}

int kdep_record_seen(void *ctx, const struct kdep_seen *s)
{
	struct kdep_record *r = ctx;
	struct entry en;
	int e;

	/* a path seen twice is recorded twice: checked twice, no harm */
	if (strchr(s->path, '\n'))
		return kdep_err(KDEP_EDATA, "cannot record a path with a newline");
	en.path = (char *)s->path;
	en.kind = s->unreadable                  ? 'u'
		  : !s->st                     ? 'a'
		  : s->kind == KDEP_SEEN_STAMP ? 's'
					       : 'f';
	en.hash = s->hash;
	en.st = s->st;
	/* may have changed while the target was built */
	if (s->st && !kdep_before(&s->st->st_mtim, &r->since))
		en.kind = 'u';
	if ((e = printentry(&r->text, &en)) < 0)
		return e;
	return r->text.len >= FLUSH ? flush(r) : 0;
}

/*
 * "dev ino size mtime ctime" as records spell them.  The checker compares
 * this text with the record's instead of parsing numbers: the same
 * function writes both.  STATTEXT bounds five formatted integers.
 */
#define STATTEXT 128

/* 10^i for i = 0..19 */
static const uint64_t ten[] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000),
	UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
	UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
	UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000),
	UINT64_C(100000000000000), UINT64_C(1000000000000000),
	UINT64_C(10000000000000000), UINT64_C(100000000000000000),
	UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)};

/* The number of decimal digits of v. */
static int digits(uint64_t v)
{
#if defined(__GNUC__)
	/* log10 from log2: 1233/4096 is just above log10(2) */
	int t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	return t + (v >= ten[t]) + (t == 0 && v < 1);
#else
	int n = 1;

	while (n < 20 && v >= ten[n])
		n++;
	return n;
#endif
}

/*
 * v in decimal at p; returns the end.  A record has some 5,000 numbers:
 * the digits are counted first and written in place, two at a time, in
 * 32-bit arithmetic when v fits (times, sizes and inodes mostly do).
 */
static const char two[] = "00010203040506070809101112131415161718192021"
			  "22232425262728293031323334353637383940414243"
			  "44454647484950515253545556575859606162636465"
			  "66676869707172737475767778798081828384858687"
			  "888990919293949596979899";

static char *putu(char *p, uint64_t v)
{
	int n = digits(v);
	char *q = p + n;
	uint32_t w;

	for (; v > UINT32_MAX; v /= 100) {
		q -= 2;
		memcpy(q, two + v % 100 * 2, 2);
	}
	for (w = (uint32_t)v; w >= 100; w /= 100) {
		q -= 2;
		memcpy(q, two + w % 100 * 2, 2);
	}
	if (w >= 10)
		memcpy(q - 2, two + w * 2, 2);
	else
		q[-1] = (char)('0' + w);
	return p + n;
}

static char *puti(char *p, intmax_t v)
{
	if (v < 0) {
		*p++ = '-';
		return putu(p, -(uintmax_t)v);
	}
	return putu(p, (uintmax_t)v);
}

/* v < 10^8 as exactly 8 digits at p; returns the end. */
static char *put8(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	memcpy(p, two + hi / 100 * 2, 2);
	memcpy(p + 2, two + hi % 100 * 2, 2);
	memcpy(p + 4, two + lo / 100 * 2, 2);
	memcpy(p + 6, two + lo % 100 * 2, 2);
	return p + 8;
}

/*
 * "sec.nnnnnnnnn".  Two of these per file: seconds of ten digits (2001 to
 * 2286) and the nanoseconds go in fixed-width steps.
 */
static char *putts(char *p, const struct timespec *ts)
{
	uint32_t ns = (uint32_t)ts->tv_nsec;

	if (ts->tv_sec >= 1000000000 && ts->tv_sec <= INT64_C(9999999999)) {
		uint64_t sec = (uint64_t)ts->tv_sec;

		memcpy(p, two + sec / 100000000 * 2, 2);
		p = put8(p + 2, (uint32_t)(sec % 100000000));
	} else {
		p = puti(p, (intmax_t)ts->tv_sec);
	}
	*p++ = '.';
	*p++ = (char)('0' + ns / 100000000 % 10);
	return put8(p, ns % 100000000);
}

/* printf is most of the cost of writing a record: format by hand. */
static size_t stattext(char *out, const struct stat *st)
{
	char *p = out;

	p = putu(p, (uintmax_t)st->st_dev);
	*p++ = ' ';
	p = putu(p, (uintmax_t)st->st_ino);
	*p++ = ' ';
	p = puti(p, (intmax_t)st->st_size);
	*p++ = ' ';
	p = putts(p, &st->st_mtim);
	*p++ = ' ';
	p = putts(p, &st->st_ctim);
	*p = '\0';
	return (size_t)(p - out);
}

static void puthex(char *p, uint64_t v)
{
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		p[i] = "0123456789abcdef"[v & 15];
}

static int printentry(struct kdep_buf *b, const struct entry *e)
{
	char line[2 + 16 + 1 + STATTEXT + 1];
	size_t n;

	line[0] = e->kind;
	line[1] = ' ';
	if (e->kind == 'a' || e->kind == 'u') {
		n = 2;
	} else {
		puthex(line + 2, e->hash);
		line[18] = ' ';
		n = 19 + stattext(line + 19, e->st);
		line[n++] = ' ';
	}
	size_t plen = strlen(e->path);

	if (kdep_bufreserve(b, n + plen + 1) < 0)
		return KDEP_ENOMEM;
	memcpy(b->data + b->len, line, n);
	memcpy(b->data + b->len + n, e->path, plen);
	b->len += n + plen;
	b->data[b->len++] = '\n';
	b->data[b->len] = '\0';
	return 0;
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

int kdep_record_write(struct kdep_record *r)
{
	char end[4 + 16 + 1] = "end ";
	int e;

	if ((e = flush(r)) < 0)
		return e;
	puthex(end + 4, kdep_hashfinal(&r->sum));
	end[20] = '\n';
	if ((e = kdep_outwrite(&r->out, end, sizeof(end))) < 0)
		return e;
	r->open = 0;
	return kdep_outcommit(&r->out);
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
