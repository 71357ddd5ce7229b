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
 *	kdep-record 2
 *	cmd <xxh64 of the command line, 16 hex digits>
 *	conf <flat|split> <path of auto.conf>
 *	f <hash> <stat> <path>
 *	s <hash> <dev> <ino> <size> <mtime s.ns> <ctime s.ns> <path>
 *	c <NAME> <value>
 *	a <path>
 *	u <path>
 *	end <xxh64 of every byte before this line, 16 hex digits>
 *
 * Hashes are 16 lowercase hex digits, XXH64 (hash.c).  An f line's
 * <stat> is the XXH64 of the text "<dev> <ino> <size> <mtime s.ns>
 * <ctime s.ns>" an s line spells out: the checker only asks whether
 * stat data are equal, and a 16-digit hash is a third of the text (a
 * record holds hundreds of headers).  s lines keep the text: an empty
 * stamp is judged by its size.
 *
 * f is a file that was read (source, header), s a stamp with its state
 * (ksym stamps; config stamps when there is no auto.conf), a an absent
 * stamp or unread file such as a 6.3 .rlib (its appearance is a change),
 * u a file that may have changed while the target was being built (mtime
 * not older than the target's or the depfile's) or that could not be
 * read: always stale.
 *
 * c is a CONFIG symbol the target uses, by value: the kernel's kconfig
 * writes empty stamps and touches them only when a value changes, so
 * their content says nothing and their mtime is exactly what races.  The
 * values come from the auto.conf named by the conf line (which comes
 * first); the symbol's stamp is <folder of auto.conf>/<stamp path in that
 * layout>, so make's newer stamps map back to symbols.  A value is "n"
 * for a symbol auto.conf does not set, y, m, a number as written, or '"'
 * and a string's unescaped text; in every value '%', spaces and control
 * bytes are written %XX.  An auto.conf written while the target was being
 * built is also a u line.
 *
 * Any other line, a missing "end", a bad checksum or another version
 * makes the record unusable: the checker then says "no record", and the
 * caller decides as it would without one (make by mtimes).
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
#include <unistd.h>

#include "internal.h"

/* The first line of a record; the checker matches it whole. */
const char kdep_recordhead[] = "kdep-record 2\n";

struct entry {
	char kind; /* 'f' 's' 'a' 'u' 'c' */
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
	struct kdep_config *conf;  /* values for c lines, once conf is set */
	int hasconf;
	struct kdep_buf name;      /* a symbol's name, NUL-terminated */
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

int kdep_record_input(struct kdep_record *r, const char *path)
{
	struct kdep_seen s = {.kind = KDEP_SEEN_DEP, .path = path};
	struct stat st;
	uint64_t h;
	int e;

	if ((e = kdep_hashfile(path, &h, &st)) < 0) {
		if (e == KDEP_ENOMEM)
			return e;
		if (e != KDEP_ENOENT)
			s.unreadable = 1;
	} else {
		s.st = &st;
		s.hash = h;
	}
	return kdep_record_seen(r, &s);
}

int kdep_record_remove(const char *target)
{
	struct kdep_buf path = {0};
	int e;

	if ((e = kdep_recordpath(&path, target)) == 0 &&
	    unlink(path.data) < 0 && errno != ENOENT)
		e = kdep_errno(KDEP_EIO, "cannot remove %s", path.data);
	kdep_buffree(&path);
	return e;
}

static int threshold(const char *target, const char *depfile,
		     struct timespec *t);
static int printentry(struct kdep_buf *b, const struct entry *e);

struct kdep_record *kdep_record_new(const char *target, const char *depfile,
				    const char *cmdline)
{
	struct kdep_record *r = calloc(1, sizeof(*r));

	if (!r || !(r->target = strdup(target)) ||
	    kdep_bufprintf(&r->text, "%scmd %016" PRIx64 "\n", kdep_recordhead,
			   kdep_hash(cmdline, strlen(cmdline), 0)) < 0) {
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
	kdep_buffree(&r->name);
	kdep_config_free(r->conf);
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

/*
 * The record's value text of a symbol (NULL: not set) into b, replacing
 * its contents: see the format above.  The checker writes the current
 * value the same way and compares text.
 */
int kdep_confvalue(struct kdep_buf *b, const struct kdep_confsym *sym)
{
	const char *p;

	b->len = 0;
	if (!sym || sym->kind == KDEP_CONF_N)
		return kdep_bufputs(b, "n");
	if (sym->kind == KDEP_CONF_STR && kdep_bufputs(b, "\"") < 0)
		return KDEP_ENOMEM;
	for (p = sym->val; *p; p++) {
		unsigned char c = (unsigned char)*p;
		int e = c <= ' ' || c == '%' || c == 0x7f
				? kdep_bufprintf(b, "%%%02X", c)
				: kdep_bufadd(b, p, 1);

		if (e < 0)
			return KDEP_ENOMEM;
	}
	return 0;
}

static int configline(struct kdep_record *r, const struct kdep_seen *s)
{
	const struct kdep_confsym *sym;
	struct kdep_buf v = {0};
	int e;

	r->name.len = 0;
	if (kdep_bufadd(&r->name, s->name, s->namelen) < 0)
		return KDEP_ENOMEM;
	sym = kdep_config_find(r->conf, r->name.data);
	if ((e = kdep_confvalue(&v, sym)) == 0)
		e = kdep_bufprintf(&r->text, "c %s %s\n", r->name.data, v.data);
	kdep_buffree(&v);
	return e < 0 ? KDEP_ENOMEM : 0;
}

int kdep_record_config(struct kdep_record *r, const char *autoconf,
		       enum kdep_layout layout)
{
	struct stat st;
	int e;

	if (r->hasconf)
		return kdep_err(KDEP_EDATA, "record: config values set twice");
	if (strchr(autoconf, '\n'))
		return kdep_err(KDEP_EDATA, "cannot record a path with a newline");
	if (stat(autoconf, &st) < 0)
		return kdep_errno(KDEP_EIO, "cannot stat %s", autoconf);
	if ((e = kdep_config_parse(autoconf, &r->conf)) < 0)
		return e;
	r->hasconf = 1;
	if (kdep_bufprintf(&r->text, "conf %s %s\n",
			   layout == KDEP_SPLIT ? "split" : "flat",
			   autoconf) < 0)
		return KDEP_ENOMEM;
	/* rewritten while the target was built: its values are unsure */
	if (!kdep_before(&st.st_mtim, &r->since) &&
	    kdep_bufprintf(&r->text, "u %s\n", autoconf) < 0)
		return KDEP_ENOMEM;
	return 0;
}

int kdep_record_seen(void *ctx, const struct kdep_seen *s)
{
	struct kdep_record *r = ctx;
	struct entry en;
	int e;

	if (s->kind == KDEP_SEEN_CONFIG) {
		if (!r->hasconf)
			return kdep_err(KDEP_EDATA, "record: a symbol by name "
						    "without config values");
		if ((e = configline(r, s)) < 0)
			return e;
		return r->text.len >= FLUSH ? flush(r) : 0;
	}

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
size_t kdep_stattext(char *out, const struct stat *st)
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

void kdep_puthex(char *p, uint64_t v)
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
	} else if (e->kind == 'f') {
		char text[STATTEXT];

		kdep_puthex(line + 2, e->hash);
		line[18] = ' ';
		kdep_puthex(line + 19,
			    kdep_hash(text, kdep_stattext(text, e->st), 0));
		line[35] = ' ';
		n = 36;
	} else {
		kdep_puthex(line + 2, e->hash);
		line[18] = ' ';
		n = 19 + kdep_stattext(line + 19, e->st);
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
	kdep_puthex(end + 4, kdep_hashfinal(&r->sum));
	end[20] = '\n';
	if ((e = kdep_outwrite(&r->out, end, sizeof(end))) < 0)
		return e;
	r->open = 0;
	return kdep_outcommit(&r->out);
}

