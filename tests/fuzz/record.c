/*
 * record.c - fuzz the record reader: through kdep_stale (target record)
 * and as the make plugin uses it, through kdep_answer (target answer,
 * built with -DANSWER).
 *
 * A private folder holds a target x and the files a record may name (see
 * files[]).  The input is written as x's record .x.kdep and x is checked.
 * Its first byte holds flags: bit 0 appends a valid "end <checksum>" line
 * computed with kdep_hash (else the fuzzer would never get past the
 * checksum), bit 2 dates the record before the target.  record: bit 1
 * passes the command line CMD.  answer: the input's first line (after
 * the flags byte) is make's list of newer names; bit 1 rewrites a.h
 * (same size, mtime put back) between two answers of one checker.
 *
 * The reference here follows the format at the top of libkdep/record.c:
 * a record that fails its checksum, header, or any line's syntax is no
 * record (KDEP_NORECORD); otherwise it is stale if the command line
 * differs, for a "u" line, an "a" file that exists, an "f"/"s" file that
 * is missing, or whose stat data (with the racy rule) and content hash
 * both differ (an empty stamp: stat data only; an f line keeps a hash
 * of the stat text), a CONFIG value that differs from the conf line's
 * auto.conf, or any c line when that auto.conf cannot be read.
 *
 * record, properties: the answer is the reference's; with and without a
 * reason callback it is the same; reasons come exactly when it is not
 * fresh, each "x: ...", on one line (one for no record).
 *
 * answer, properties: the verdict is the reference's (make's newer names
 * the record does not cover count as changed); fresh answers nothing, no
 * record answers make's list unchanged, stale answers something, every
 * unrecorded newer name included; a record is rewritten only when fresh,
 * and then line for line the same but for stat data, checking fresh
 * again; the same checker answers the same again (RESTAT, REFRESH), and
 * sees a.h rewritten behind its back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define CMD "cc -c -o x a.c"
#define AH "#ifdef CONFIG_BAR\n#endif\n"

/* The seeds in corpus/record were made by fixdep --record over these. */
static const char *const files[][2] = {
	{"x", "object\n"},
	{"a.c", "#include \"a.h\"\nint a = CONFIG_FOO;\n"},
	{"a.h", AH},
	{"sub/b.h", "/* CONFIG_BAZ_MODULE CONFIG_NUM CONFIG_STR */\n"},
	{"include/config/auto.conf",
	 "CONFIG_FOO=y\nCONFIG_BAZ=m\nCONFIG_NUM=0x10\n"
	 "CONFIG_STR=\"a b%c\\\"d\"\n"},
	{"include/config/FOO", "CONFIG_FOO=y\n"},
	{"include/config/BAR", ""},
	{"sp ace.h", "space\n"},
};

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	fz_tmpdir(argc, argv);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fz_puts(files[i][0], files[i][1]);
	return 0;
}

/* ---- the reference ---- */

enum { FRESH, STALE, NORECORD, UNKNOWN };

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly 16 lowercase hex digits at p, as the writer prints them. */
static int hex16(const char *p, uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 16; i++) {
		if (hexval(p[i]) < 0)
			return 0;
		*v = *v << 4 | (uint64_t)hexval(p[i]);
	}
	return 1;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* "dev ino size mtime ctime" as the format spells stat data. */
static void stattext(char *out, size_t n, const struct stat *st)
{
	snprintf(out, n, "%ju %ju %jd %jd.%09ld %jd.%09ld",
		 (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
		 (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
		 (long)st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
		 (long)st->st_ctim.tv_nsec);
}

static int isname(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return n > 0;
}

/* A value as a c line spells it: n, or the text, strings after '"'. */
static void encode(struct kdep_buf *b, const struct kdep_confsym *sym)
{
	const unsigned char *p;

	b->len = 0;
	CHECK(kdep_bufputs(b, "") == 0);
	if (!sym || sym->kind == KDEP_CONF_N) {
		CHECK(kdep_bufputs(b, "n") == 0);
		return;
	}
	if (sym->kind == KDEP_CONF_STR)
		CHECK(kdep_bufputs(b, "\"") == 0);
	for (p = (const unsigned char *)sym->val; *p; p++)
		CHECK((*p <= ' ' || *p == '%' || *p == 0x7f
			       ? kdep_bufprintf(b, "%%%02X", *p)
			       : kdep_bufadd(b, p, 1)) == 0);
}

struct ref {
	const char *cmdline;
	struct timespec written;
	int stale;
	int conf, confok, layout;
	struct kdep_config *cfg;
	struct kdep_buf stampdir;
	struct kdep_buf covered; /* each path the record covers, NUL-ended */
	int ah;                  /* a.h is on an f or s line */
	struct kdep_buf tmp;
};

static void cover(struct ref *r, const char *path, size_t n)
{
	CHECK(kdep_bufadd(&r->covered, path, n) == 0);
	CHECK(kdep_bufadd(&r->covered, "", 1) == 0);
}

/*
 * An f or s line after "k "; 0, or NORECORD if it does not parse.  f:
 * "<hash> <hash of the stat text> <path>"; s: "<hash> <stat text> <path>".
 */
static int fileline(struct ref *r, char kind, const char *p)
{
	const char *text = p + 17, *path = text, *f3;
	char now[160];
	uint64_t h, sh = 0, cur;
	struct stat st;
	size_t len;
	int i, same;

	if (strlen(p) < 17 || p[16] != ' ' || !hex16(p, &h))
		return NORECORD;
	for (i = 0; i < (kind == 'f' ? 1 : 5); i++)
		if (!(path = strchr(path, ' ')) || !*++path)
			return NORECORD;
	len = (size_t)(path - 1 - text);
	if (kind == 'f' && (len != 16 || !hex16(text, &sh)))
		return NORECORD;
	cover(r, path, strlen(path));
	if (strcmp(path, "a.h") == 0)
		r->ah = 1;
	if (stat(path, &st) < 0) {
		r->stale = 1;
		return 0;
	}
	stattext(now, sizeof(now), &st);
	same = kind == 'f' ? sh == kdep_hash(now, strlen(now), 0)
			   : strlen(now) == len && memcmp(now, text, len) == 0;
	if (same && before(&st.st_mtim, &r->written) &&
	    before(&st.st_ctim, &r->written))
		return 0;
	/* an empty stamp: its third field, the size, "0" */
	f3 = kind == 's' ? strchr(strchr(text, ' ') + 1, ' ') + 1 : NULL;
	if (f3 && f3[0] == '0' && f3[1] == ' ' && st.st_size == 0) {
		r->stale = 1;
		return 0;
	}
	if (kdep_hashfile(path, &cur, NULL) < 0 || cur != h)
		r->stale = 1;
	return 0;
}

static int confline(struct ref *r, const char *p)
{
	const char *sp = strchr(p, ' '), *path, *slash;

	if (r->conf || !sp)
		return NORECORD;
	if ((size_t)(sp - p) == 4 && memcmp(p, "flat", 4) == 0)
		r->layout = KDEP_FLAT;
	else if ((size_t)(sp - p) == 5 && memcmp(p, "split", 5) == 0)
		r->layout = KDEP_SPLIT;
	else
		return NORECORD;
	path = sp + 1;
	r->conf = 1;
	kdep_config_free(r->cfg);
	r->confok = kdep_config_parse(path, &r->cfg) == 0;
	slash = strrchr(path, '/');
	r->stampdir.len = 0;
	CHECK(kdep_bufadd(&r->stampdir, path,
			  slash ? (size_t)(slash - path) : 0) == 0);
	return 0;
}

static int symline(struct ref *r, const char *p)
{
	const char *sp = strchr(p, ' ');
	char *name;

	if (!r->conf || !sp || !sp[1] || !isname(p, (size_t)(sp - p)))
		return NORECORD;
	name = fz_dup((const uint8_t *)p, (size_t)(sp - p));
	r->tmp.len = 0;
	CHECK(kdep_stamppath(&r->tmp, r->stampdir.data, name, strlen(name),
			     r->layout) == 0);
	cover(r, r->tmp.data, r->tmp.len);
	if (r->confok) {
		encode(&r->tmp, kdep_config_find(r->cfg, name));
		if (strcmp(r->tmp.data, sp + 1) != 0)
			r->stale = 1;
	} else {
		r->stale = 1; /* no values: every symbol counts as changed */
	}
	free(name);
	return 0;
}

static int line(struct ref *r, const char *p)
{
	struct stat st;

	if (strncmp(p, "conf ", 5) == 0)
		return confline(r, p + 5);
	if (!p[0] || p[1] != ' ' || !p[2])
		return NORECORD;
	switch (p[0]) {
	case 'f':
	case 's':
		return fileline(r, p[0], p + 2);
	case 'c':
		return symline(r, p + 2);
	case 'a':
		cover(r, p + 2, strlen(p + 2));
		if (stat(p + 2, &st) == 0)
			r->stale = 1;
		return 0;
	case 'u':
		cover(r, p + 2, strlen(p + 2));
		r->stale = 1;
		return 0;
	default:
		return NORECORD;
	}
}

/*
 * What a check of x must answer for the record rec[0..n) (a copy is
 * taken): FRESH, STALE, NORECORD, or UNKNOWN for a record with a NUL
 * byte, which C strings cannot follow.  r->covered gets what it covers.
 */
static int reference(struct ref *r, const char *data, size_t n)
{
	static const char head[] = "kdep-record 2\n";
	char *rec, *last, *p, *nl;
	uint64_t sum, cmd;
	int res = 0;

	if (n < 2 || data[n - 1] != '\n')
		return NORECORD;
	rec = fz_dup((const uint8_t *)data, n);
	for (last = rec + n - 1; last > rec && last[-1] != '\n'; last--)
		;
	if (rec + n - last != 21 || strncmp(last, "end ", 4) != 0 ||
	    !hex16(last + 4, &sum) ||
	    sum != kdep_hash(rec, (size_t)(last - rec), 0) ||
	    (size_t)(last - rec) < strlen(head) ||
	    memcmp(rec, head, strlen(head)) != 0) {
		free(rec);
		return NORECORD;
	}
	if (memchr(rec, '\0', n)) {
		free(rec);
		return UNKNOWN;
	}
	p = rec + strlen(head);
	nl = memchr(p, '\n', (size_t)(last - p));
	if (!nl || nl - p != 20 || strncmp(p, "cmd ", 4) != 0 ||
	    !hex16(p + 4, &cmd)) {
		free(rec);
		return NORECORD;
	}
	if (r->cmdline && cmd != kdep_hash(r->cmdline, strlen(r->cmdline), 0))
		r->stale = 1;
	for (p = nl + 1; p < last && res == 0; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(last - p));
		*nl = '\0';
		res = line(r, p);
	}
	free(rec);
	return res ? res : r->stale ? STALE : FRESH;
}

static void reffree(struct ref *r)
{
	kdep_config_free(r->cfg);
	kdep_buffree(&r->stampdir);
	kdep_buffree(&r->covered);
	kdep_buffree(&r->tmp);
}

/* Write the input's record as .x.kdep; its mtime into *written. */
static void putrecord(struct kdep_buf *rec, int flags, struct timespec *written)
{
	struct stat st;

	if (flags & 1)
		CHECK(kdep_bufprintf(rec, "end %016" PRIx64 "\n",
				     kdep_hash(rec->data, rec->len, 0)) == 0);
	fz_write(".x.kdep", rec->data ? rec->data : "", rec->len);
	if (flags & 4) {
		struct timespec ts[2];

		CHECK(stat("x", &st) == 0);
		ts[0] = ts[1] = st.st_mtim;
		ts[0].tv_sec = --ts[1].tv_sec;
		CHECK(utimensat(AT_FDCWD, ".x.kdep", ts, 0) == 0);
	}
	CHECK(stat(".x.kdep", &st) == 0);
	*written = st.st_mtim;
}

#ifndef ANSWER

/* ---- target record: kdep_stale ---- */

struct reasons {
	size_t n;
};

static void onreason(void *ctx, const char *target, const char *reason)
{
	struct reasons *r = ctx;

	CHECK(strcmp(target, "x") == 0);
	CHECK(strncmp(reason, "x: ", 3) == 0);
	CHECK(!strchr(reason, '\n'));
	r->n++;
}

static int stale(const char *cmdline, kdep_reasonfn fn, void *ctx)
{
	struct kdep_checker *c = kdep_checker_new(0);
	int r;

	CHECK(c);
	r = kdep_stale(c, "x", cmdline, fn, ctx);
	kdep_checker_free(c);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct kdep_buf rec = {0};
	struct reasons why = {0};
	struct ref ref = {0};
	int flags, want, r, rfn;

	if (len < 1 || !fz_pathsafe(data, len))
		return 0;
	flags = data[0];
	ref.cmdline = flags & 2 ? CMD : NULL;
	CHECK(kdep_bufadd(&rec, data + 1, len - 1) == 0);
	putrecord(&rec, flags, &ref.written);

	r = stale(ref.cmdline, NULL, NULL);
	rfn = stale(ref.cmdline, onreason, &why);
	CHECK(r == KDEP_FRESH || r == KDEP_STALE || r == KDEP_NORECORD);
	CHECK(rfn == r);
	CHECK((why.n > 0) == (r != KDEP_FRESH));
	CHECK(r != KDEP_NORECORD || why.n == 1);
	want = flags & 4 ? NORECORD : reference(&ref, rec.data, rec.len);
	if (want != UNKNOWN)
		CHECK(r == (want == FRESH   ? KDEP_FRESH
			    : want == STALE ? KDEP_STALE
					    : KDEP_NORECORD));
	reffree(&ref);
	kdep_buffree(&rec);
	return 0;
}

#else

/* ---- target answer: kdep_answer, as kdep.so calls it ---- */

/* 1 if word (n bytes) is one of the space-separated words of s. */
static int hasword(const char *s, const char *word, size_t n)
{
	const char *p;

	for (p = s; *p; p++)
		if ((p == s || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* 1 if the record covers s (n bytes). */
static int covered(const struct ref *r, const char *s, size_t n)
{
	const char *p = r->covered.data, *end;

	if (!p)
		return 0;
	for (end = p + r->covered.len; p < end; p += strlen(p) + 1)
		if (strlen(p) == n && memcmp(p, s, n) == 0)
			return 1;
	return 0;
}

/* Every newer word the record does not cover is in out. */
static void unrecordedin(const struct ref *r, const char *newer,
			 const char *out, int *any)
{
	const char *p = newer;

	*any = 0;
	while (*p) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n && !covered(r, p, n)) {
			*any = 1;
			if (out)
				CHECK(hasword(out, p, n));
		}
		p += n;
	}
}

/* The line at *p, up to and without its '\n'; moves *p past it. */
static size_t nextline(const char **p, const char *end)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	CHECK(nl);
	*p = nl + 1;
	return (size_t)(nl - s);
}

/* Past the stat field(s) of an f line (1) or an s line (5). */
static const char *pathof(const char *s, size_t n)
{
	const char *p = s + 2 + 17;
	int i;

	for (i = 0; i < (s[0] == 'f' ? 1 : 5); i++) {
		p = memchr(p, ' ', (size_t)(s + n - p));
		CHECK(p);
		p++;
	}
	return p;
}

/*
 * A refreshed record: its lines those of old but for the stat data of f
 * and s lines, its end line a valid checksum.
 */
static void samebutstat(const struct kdep_buf *old, const char *now,
			size_t nowlen)
{
	const char *o = old->data, *oend, *n = now, *nend = now + nowlen;
	const char *last;
	uint64_t sum;

	/* the old record had a valid end line: drop it from both */
	for (oend = o + old->len - 1; oend > o && oend[-1] != '\n'; oend--)
		;
	for (last = nend - 1; last > n && last[-1] != '\n'; last--)
		;
	CHECK(nend - last == 21 && strncmp(last, "end ", 4) == 0);
	CHECK(hex16(last + 4, &sum));
	CHECK(sum == kdep_hash(now, (size_t)(last - now), 0));
	while (o < oend) {
		const char *os = o, *ns = n;
		size_t ol = nextline(&o, oend), nl;

		CHECK(n < last);
		nl = nextline(&n, last);
		if (ol > 19 && (os[0] == 'f' || os[0] == 's') && os[1] == ' ') {
			const char *op = pathof(os, ol), *np;

			CHECK(nl > 19 && memcmp(os, ns, 19) == 0);
			np = pathof(ns, nl);
			CHECK(os + ol - op == ns + nl - np);
			CHECK(memcmp(op, np, (size_t)(os + ol - op)) == 0);
		} else {
			CHECK(ol == nl && memcmp(os, ns, ol) == 0);
		}
	}
	CHECK(n == last);
}

static int answer(struct kdep_checker *c, const char *newer,
		  struct kdep_buf *out)
{
	int r = kdep_answer(c, "x", newer, out, NULL, NULL);

	CHECK(r == KDEP_FRESH || r == KDEP_STALE || r == KDEP_NORECORD);
	return r;
}

/* Rewrite a.h with other bytes of the same size, its mtime put back. */
static void edit(const char *text)
{
	struct timespec ts[2];
	struct stat st;

	CHECK(stat("a.h", &st) == 0);
	fz_puts("a.h", text);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	CHECK(utimensat(AT_FDCWD, "a.h", ts, 0) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct kdep_buf rec = {0}, out = {0}, out2 = {0}, after = {0};
	struct ref ref = {0};
	struct kdep_checker *c;
	const uint8_t *nl;
	char *newer;
	size_t nlen;
	int flags, want, r, r2, any;

	if (len < 1 || !fz_pathsafe(data, len) || memchr(data, '\0', len))
		return 0;
	flags = data[0];
	nl = memchr(data + 1, '\n', len - 1);
	nlen = nl ? (size_t)(nl - data - 1) : len - 1;
	newer = fz_dup(data + 1, nlen);
	if (nl)
		CHECK(kdep_bufadd(&rec, nl + 1, len - 1 - nlen - 1) == 0);
	putrecord(&rec, flags, &ref.written);
	want = flags & 4 ? NORECORD : reference(&ref, rec.data, rec.len);
	unrecordedin(&ref, newer, NULL, &any);
	if (want == FRESH && any)
		want = STALE;

	CHECK(c = kdep_checker_new(KDEP_CHECK_RESTAT | KDEP_CHECK_REFRESH));
	r = answer(c, newer, &out);
	if (want != UNKNOWN)
		CHECK(r == (want == FRESH   ? KDEP_FRESH
			    : want == STALE ? KDEP_STALE
					    : KDEP_NORECORD));
	if (r == KDEP_FRESH)
		CHECK(out.len == 0);
	if (r == KDEP_NORECORD)
		CHECK(strcmp(out.data ? out.data : "", newer) == 0);
	if (r == KDEP_STALE) {
		CHECK(out.len > 0);
		unrecordedin(&ref, newer, out.data, &any);
	}

	/* rewritten only when fresh, and then the same but for stat data */
	CHECK(kdep_readfile(".x.kdep", &after, NULL) == 0);
	if (after.len != rec.len ||
	    (after.len && memcmp(after.data, rec.data, after.len) != 0)) {
		struct kdep_checker *c0 = kdep_checker_new(0);

		CHECK(r == KDEP_FRESH);
		samebutstat(&rec, after.data, after.len);
		CHECK(c0);
		CHECK(kdep_stale(c0, "x", NULL, NULL, NULL) == KDEP_FRESH);
		kdep_checker_free(c0);
	}

	/* the same checker again: the same answer, or a.h's change seen */
	if (flags & 2)
		edit("#ifdef CONFIG_BAZ\n#endif\n");
	r2 = answer(c, newer, &out2);
	if (!(flags & 2)) {
		CHECK(r2 == r);
		CHECK(strcmp(out.data ? out.data : "",
			     out2.data ? out2.data : "") == 0);
	} else {
		if (r == KDEP_FRESH && ref.ah)
			CHECK(r2 == KDEP_STALE && hasword(out2.data, "a.h", 3));
		edit(AH);
	}

	kdep_checker_free(c);
	kdep_buffree(&after);
	free(newer);
	reffree(&ref);
	kdep_buffree(&rec);
	kdep_buffree(&out);
	kdep_buffree(&out2);
	return 0;
}

#endif
