/*
 * record.c - fuzz the record loader through kdep_stale.
 *
 * A private folder holds a target x and the files a record may name (see
 * files[]).  The input, after a flags byte, is written as x's record
 * .x.kdep; kdep_stale then checks x.  Flags: bit 0 appends a valid
 * "end <checksum>" line computed with kdep_hash (else the fuzzer would
 * never get past the checksum), bit 1 passes the command line CMD.
 *
 * Properties, from the format at the top of libkdep/record.c:
 *   - a record that fails its checksum or header is never fresh;
 *   - when every line parses the strict way the format is written, the
 *     answer is what a reference computed here says: stale if the command
 *     line differs, a "u" line, an "a" file that exists, an "f"/"s" file
 *     that is missing, or one whose stat data (with the racy rule) and
 *     content hash both differ (an empty stamp: stat data only);
 *   - with and without a reason callback the answer is the same, and
 *     reasons come exactly when stale, each "x: ...", on one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define CMD "cc -c -o x a.c"

/* The seeds in corpus/record were made by fixdep --record over these. */
static const char *const files[][2] = {
	{"x", "object\n"},
	{"a.c", "#include \"a.h\"\nint a = CONFIG_FOO;\n"},
	{"a.h", "#ifdef CONFIG_BAR\n#endif\n"},
	{"sub/b.h", "/* CONFIG_BAZ_MODULE */\n"},
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

/*
 * A number as the writer prints it (no leading zero, at most maxd
 * digits, so that equal numbers are equal text) at *p; 1 if so, with *p
 * moved past it.
 */
static int digits(const char **p, int maxd, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	while (*p - s < maxd && **p >= '0' && **p <= '9')
		*v = *v * 10 + (uint64_t)(*(*p)++ - '0');
	return *p > s && !(**p >= '0' && **p <= '9') &&
	       (*s != '0' || *p - s == 1);
}

/* "<sec>.<9 digits>", sec maybe negative (never "-0") */
static int stime(const char **p, struct timespec *ts)
{
	uint64_t s;
	int neg = **p == '-', i;

	*p += neg;
	if (!digits(p, 18, &s) || (neg && s == 0) || *(*p)++ != '.')
		return 0;
	ts->tv_sec = neg ? -(time_t)s : (time_t)s;
	ts->tv_nsec = 0;
	for (i = 0; i < 9; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return 0;
		ts->tv_nsec = ts->tv_nsec * 10 + (**p - '0');
	}
	return 1;
}

struct line {
	char kind;
	uint64_t hash, dev, ino, size;
	struct timespec mt, ct;
	const char *path;
};

/* An f/s line after "k ", written as the format says; 0 if not. */
static int sline(const char *p, struct line *l)
{
	if (!hex16(p, &l->hash) || p[16] != ' ')
		return 0;
	p += 17;
	if (!digits(&p, 19, &l->dev) || *p++ != ' ' ||
	    !digits(&p, 19, &l->ino) || *p++ != ' ' ||
	    !digits(&p, 18, &l->size) || *p++ != ' ' || !stime(&p, &l->mt) ||
	    *p++ != ' ' || !stime(&p, &l->ct) || *p++ != ' ' || !*p)
		return 0;
	l->path = p;
	return 1;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Whether the entry makes the target stale. */
static int entrystale(const struct line *l, const struct timespec *written)
{
	struct stat st;
	uint64_t h;
	int racy, same;

	if (l->kind == 'u')
		return 1;
	if (l->kind == 'a')
		return stat(l->path, &st) == 0;
	if (stat(l->path, &st) < 0)
		return 1;
	racy = !before(&l->mt, written) || !before(&l->ct, written);
	same = (uint64_t)st.st_dev == l->dev && (uint64_t)st.st_ino == l->ino &&
	       (uint64_t)st.st_size == l->size &&
	       st.st_mtim.tv_sec == l->mt.tv_sec &&
	       st.st_mtim.tv_nsec == l->mt.tv_nsec &&
	       st.st_ctim.tv_sec == l->ct.tv_sec &&
	       st.st_ctim.tv_nsec == l->ct.tv_nsec;
	if (!racy && same)
		return 0;
	if (l->kind == 's' && l->size == 0 && st.st_size == 0)
		return 1;
	return kdep_hashfile(l->path, &h, NULL) < 0 || h != l->hash;
}

enum { FRESH, STALE, UNKNOWN };

/*
 * What kdep_stale must answer for the record rec[0..n) (NUL-terminated):
 * STALE or FRESH, or UNKNOWN for a line the format does not spell that
 * way but the reader may accept.
 */
static int reference(char *rec, size_t n, const char *cmdline,
		     const struct timespec *written)
{
	char *last, *p, *nl;
	uint64_t sum, cmd;
	int res = FRESH;

	if (n < 2 || rec[n - 1] != '\n')
		return STALE;
	for (last = rec + n - 1; last > rec && last[-1] != '\n'; last--)
		;
	if (strncmp(last, "end ", 4) != 0 || !hex16(last + 4, &sum) ||
	    last[20] != '\n' || sum != kdep_hash(rec, (size_t)(last - rec), 0))
		return STALE;
	if (strncmp(rec, "kdep-record 1\n", 14) != 0)
		return STALE;
	if (memchr(rec, '\0', n))
		return UNKNOWN;
	p = rec + 14;
	if (p >= last || strncmp(p, "cmd ", 4) != 0 || p[20] != '\n')
		return STALE;
	if (!hex16(p + 4, &cmd))
		return STALE;
	if (cmdline && cmd != kdep_hash(cmdline, strlen(cmdline), 0))
		return STALE;
	for (p += 21; p < last; p = nl + 1) {
		struct line l;

		nl = memchr(p, '\n', (size_t)(last - p));
		*nl = '\0';
		memset(&l, 0, sizeof(l));
		l.kind = p[0];
		if (!strchr("fsau", l.kind) || p[1] != ' ' || !p[2])
			return STALE;
		if (l.kind == 'a' || l.kind == 'u')
			l.path = p + 2;
		else if (!sline(p + 2, &l))
			res = UNKNOWN;
		if (l.path && entrystale(&l, written))
			return STALE;
	}
	return res;
}

/* ---- the target ---- */

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
	const char *cmdline;
	struct stat st;
	int flags, want, r, rfn;

	if (len < 1 || !fz_pathsafe(data, len))
		return 0;
	flags = data[0];
	cmdline = flags & 2 ? CMD : NULL;
	CHECK(kdep_bufadd(&rec, data + 1, len - 1) == 0);
	if (flags & 1)
		CHECK(kdep_bufprintf(&rec, "end %016" PRIx64 "\n",
				     kdep_hash(rec.data, rec.len, 0)) == 0);
	fz_write(".x.kdep", rec.data, rec.len);
	CHECK(stat(".x.kdep", &st) == 0);

	r = stale(cmdline, NULL, NULL);
	rfn = stale(cmdline, onreason, &why);
	CHECK(r == 0 || r == 1);
	CHECK(rfn == r);
	CHECK((why.n > 0) == (r == 1));
	want = reference(rec.data, rec.len, cmdline, &st.st_mtim);
	if (want != UNKNOWN)
		CHECK(r == (want == STALE));
	kdep_buffree(&rec);
	return 0;
}
