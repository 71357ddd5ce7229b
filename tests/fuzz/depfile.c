/*
 * depfile.c - fuzz one depfile dialect (DIALECT, set by tests/fuzz/run).
 *
 * The tokenizer runs over a writable copy of the input.  Every token must
 * lie inside the buffer, be NUL-terminated there with no NUL inside, come
 * after the previous one, and carry the line its first byte is on.  Then
 * the tokens are compared with a reference tokenizer written here the
 * plain way (index loops, a separate output string) from the rules at the
 * top of libkdep/depfile.c, so that a wrong token is found, not only a
 * crash.  The kbuild dialect never unescapes: its buffer must come back
 * unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef DIALECT
#define DIALECT KDEP_DIALECT_MAKE
#endif

struct tok {
	char *s;
	size_t len;
	int kind, first;
	unsigned line;
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

/*
 * 1 + the newlines in b[0..i), counted on from the last call: offsets
 * only grow, and counting from 0 each time made 4 KB inputs quadratic.
 */
struct liner {
	const char *b;
	size_t pos;
	unsigned line;
};

static unsigned lineat(struct liner *l, size_t i)
{
	CHECK(i >= l->pos);
	for (; l->pos < i; l->pos++)
		l->line += l->b[l->pos] == '\n';
	return l->line;
}

static void add(struct toks *t, const char *s, size_t len, int kind, int first,
		unsigned line)
{
	struct tok *k;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = realloc(t->v, t->cap * sizeof(*t->v));
		CHECK(t->v);
	}
	k = &t->v[t->n++];
	k->s = malloc(len + 1);
	CHECK(k->s);
	memcpy(k->s, s, len);
	k->len = len;
	k->kind = kind;
	k->first = first;
	k->line = line;
}

static void freetoks(struct toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
}

/* A growable output string for the unescaping references. */
struct str {
	char *s;
	size_t n, cap;
};

static void put(struct str *o, char c)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->s = realloc(o->s, o->cap);
		CHECK(o->s);
	}
	o->s[o->n++] = c;
}

static void putn(struct str *o, char c, size_t n)
{
	while (n--)
		put(o, c);
}

/* fixdep <= 6.2: words between ' ', '\\', '\n'; "word:" is a target. */
static void refkbuild(const char *b, size_t len, struct toks *t)
{
	struct liner ln = {b, 0, 1};
	size_t i = 0, j;
	int prevtarget = 0;

	while (i < len && b[i]) {
		int target;

		if (b[i] == ' ' || b[i] == '\\' || b[i] == '\n') {
			i++;
			continue;
		}
		for (j = i; j < len && b[j] && b[j] != ' ' && b[j] != '\\' &&
			    b[j] != '\n';
		     j++)
			;
		target = b[j - 1] == ':';
		add(t, b + i, j - i - (size_t)target,
		    target ? KDEP_TOK_TARGET : KDEP_TOK_PREREQ,
		    !target && prevtarget, lineat(&ln, i));
		prevtarget = target;
		i = j;
	}
}

static int stop63(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '#' || c == ':';
}

/* fixdep >= 6.3; b[len] is a NUL, as the file buffer upstream has. */
static void refkbuild63(const char *b, size_t len, struct toks *t)
{
	struct liner ln = {b, 0, 1};
	struct str o = {0};
	size_t i = 0, j, start;
	int intarget = 1, source = 0;

	while (i < len && b[i]) {
		if (b[i] == '#') {
			for (i++; i < len && b[i] && b[i] != '\n'; i++)
				if (b[i] == '\\' && i + 1 < len)
					i++;
			continue;
		}
		if (b[i] == ' ' || b[i] == '\t') {
			i++;
			continue;
		}
		if (b[i] == '\\' && b[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (b[i] == '\n' || b[i] == ':') {
			intarget = b[i] == '\n';
			source |= b[i] == ':';
			i++;
			continue;
		}
		o.n = 0;
		start = i;
		for (j = i; j < len && b[j] && !stop63(b[j]);) {
			if (b[j] != '\\') {
				put(&o, b[j++]);
				continue;
			}
			if (b[j + 1] == '\n')
				break;
			if (b[j + 1] == '#' || b[j + 1] == ':') {
				put(&o, b[j + 1]);
				j += 2;
				continue;
			}
			put(&o, b[j++]); /* "\x": both bytes stay */
			if (j == len || !b[j])
				break;
			put(&o, b[j++]);
		}
		add(t, o.s, o.n, intarget ? KDEP_TOK_TARGET : KDEP_TOK_PREREQ,
		    !intarget && source, lineat(&ln, start));
		if (!intarget)
			source = 0;
		i = j;
	}
	free(o.s);
}

static int msp(const char *b, size_t len, size_t k)
{
	return k >= len || b[k] == ' ' || b[k] == '\t' || b[k] == '\r' ||
	       b[k] == '\n' || b[k] == '\0';
}

/* Length of a backslash-newline ("\\\n" or "\\\r\n") at k, else 0. */
static size_t mcont(const char *b, size_t len, size_t k)
{
	if (k >= len || b[k] != '\\')
		return 0;
	if (k + 1 < len && b[k + 1] == '\n')
		return 2;
	if (k + 2 < len && b[k + 1] == '\r' && b[k + 2] == '\n')
		return 3;
	return 0;
}

/* One make word from *ip into o; 1 if it ends in an unescaped ':'. */
static int mword(const char *b, size_t len, size_t *ip, struct str *o)
{
	size_t i = *ip, n, k;
	int colon = 0;

	while (!msp(b, len, i) && !mcont(b, len, i)) {
		if (b[i] == '$' && i + 1 < len && b[i + 1] == '$') {
			put(o, '$');
			i += 2;
			colon = 0;
			continue;
		}
		if (b[i] != '\\') {
			colon = b[i] == ':';
			put(o, b[i++]);
			continue;
		}
		for (n = 0; i + n < len && b[i + n] == '\\'; n++)
			;
		k = i + n;
		colon = 0;
		if (k < len && b[k] == ' ') {
			if (n % 2 == 0) { /* 2N: kept, and the word ends */
				putn(o, '\\', n);
				i = k;
				break;
			}
			putn(o, '\\', n / 2); /* 2N+1: N and a space */
			put(o, ' ');
			i = k + 1;
		} else if (k < len && (b[k] == '#' || b[k] == ':')) {
			int last = b[k] == ':' && msp(b, len, k + 1);

			putn(o, '\\', last ? n : n - 1);
			put(o, b[k]);
			i = k + 1;
			colon = last;
		} else {
			/* else the run is text, before a newline too (only a
			 * lone backslash continues a line), and so is a tab
			 * right after it */
			putn(o, '\\', n);
			i = k;
			if (i < len && b[i] == '\t')
				put(o, b[i++]);
		}
	}
	*ip = i;
	return colon;
}

/* GNU make as gcc/clang write it, with ninja's escapes. */
static void refmake(const char *b, size_t len, struct toks *t)
{
	struct liner ln = {b, 0, 1};
	struct str o = {0};
	size_t i = 0, n, start;
	int intarget = 1, aftercolon = 0, colon;

	while (i < len) {
		if ((n = mcont(b, len, i))) {
			i += n;
			continue;
		}
		if (b[i] == '\n') {
			i++;
			intarget = 1;
			continue;
		}
		if (b[i] == '#') {
			while (i < len && b[i] != '\n')
				i++;
			continue;
		}
		if (msp(b, len, i)) {
			i++;
			continue;
		}
		o.n = 0;
		start = i;
		colon = mword(b, len, &i, &o);
		if (colon)
			o.n--;
		if (!colon || o.n) {
			add(t, o.s, o.n,
			    intarget ? KDEP_TOK_TARGET : KDEP_TOK_PREREQ,
			    !intarget && aftercolon, lineat(&ln, start));
			aftercolon = 0;
		}
		if (colon) {
			intarget = 0;
			aftercolon = 1;
		}
	}
	free(o.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* What the walk over our tokens compares against the reference. */
struct walk {
	char *buf;
	const char *orig;
	size_t len;
	struct liner *ln;
	struct toks *ref;
	size_t n;
	const char *prevend;
};

static int check(void *ctx, const struct kdep_token *t)
{
	struct walk *w = ctx;
	char *buf = w->buf;
	const struct tok *r;

	CHECK(t->s >= buf && t->len <= w->len && t->s + t->len <= buf + w->len);
	CHECK(t->s[t->len] == '\0');
	CHECK(!memchr(t->s, '\0', t->len));
	CHECK(!w->prevend || t->s > w->prevend);
	CHECK(t->kind == KDEP_TOK_TARGET || t->kind == KDEP_TOK_PREREQ);
	CHECK(!t->first || t->kind == KDEP_TOK_PREREQ);
	CHECK(t->line == lineat(w->ln, (size_t)(t->s - buf)));
	if (DIALECT == KDEP_DIALECT_KBUILD)
		CHECK(memcmp(t->s, w->orig + (t->s - buf), t->len) == 0);
	CHECK(w->n < w->ref->n);
	r = &w->ref->v[w->n++];
	CHECK(t->len == r->len && memcmp(t->s, r->s, t->len) == 0);
	CHECK((int)t->kind == r->kind);
	CHECK(t->first == r->first);
	CHECK(t->line == r->line);
	w->prevend = t->s + t->len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *buf = fz_dup(data, len), *orig = fz_dup(data, len);
	struct liner ln = {orig, 0, 1};
	struct toks ref = {0};
	struct walk w = {buf, orig, len, &ln, &ref, 0, NULL};

	if (DIALECT == KDEP_DIALECT_KBUILD)
		refkbuild(orig, len, &ref);
	else if (DIALECT == KDEP_DIALECT_KBUILD63)
		refkbuild63(orig, len, &ref);
	else
		refmake(orig, len, &ref);

	CHECK(kdep_depparse(buf, len, DIALECT, check, &w) == 0);
	CHECK(w.n == ref.n);
	CHECK(buf[len] == '\0');
	if (DIALECT == KDEP_DIALECT_KBUILD)
		CHECK(memcmp(buf, orig, len) == 0);
	freetoks(&ref);
	free(buf);
	free(orig);
	return 0;
}
