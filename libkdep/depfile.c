/*
 * depfile.c - tokenizers for the dependency files compilers write (-MD).
 *
 * A depfile is a make rule, possibly several:
 *
 *	drivers/foo/bar.o: drivers/foo/bar.c include/linux/foo.h \
 *	  include/generated/autoconf.h
 *
 * Three dialects read it, because three readers exist and each has its own
 * idea of the syntax; fixdep's output depends on the exact one:
 *
 * kbuild    scripts/basic/fixdep up to Linux 6.2.  Words are separated by
 *           ' ', '\\' and '\n' only (a tab or '\r' is part of a word, and
 *           every backslash is a separator, so escaped spaces split).  A word
 *           ending in ':' is a target; "x : y" makes "x" a prerequisite.
 *
 * kbuild63  fixdep from Linux 6.3.  '#' starts a comment that an escaped
 *           newline continues; space and tab separate; "\\\n" is a space;
 *           a newline starts a new rule whose words up to ':' are targets;
 *           a word stops at " \t\n#:"; "\#" and "\:" are unescaped, any
 *           other "\x" is kept as is (so "\ " stays inside the word).
 *
 * make      what gcc/clang mean, read with ninja's rules: 2N+1 backslashes
 *           before a space are N backslashes and a literal space; 2N
 *           backslashes before a space are 2N backslashes and the end of
 *           the word; backslashes and a tab after them are text; "\#" is
 *           '#'; "\:" is ':' unless whitespace follows; "$$" is '$'; a
 *           word ending in ':' ends the targets; "\\\n", "\\\r\n", space,
 *           tab and '\r' separate; a NUL is a space.
 *           Only a lone backslash before a newline continues the line: a
 *           run of two or more is part of the word and the newline ends
 *           the rule (ninja; make agrees for even runs and reads an odd
 *           run of three or more as a continuation).
 *
 * Tokens point into the caller's buffer, which is rewritten in place:
 * unescaping only ever shortens a word, and the byte after a word is
 * replaced by a NUL while the caller's function sees it.
 */
#include <string.h>

#include "internal.h"

/* Where a dialect's tokenizer stands in the buffer. */
struct parser {
	char *p, *end;
	enum kdep_dialect dialect;
	int intarget;   /* kbuild63/make: next word is a target */
	int aftercolon; /* next prerequisite is the first after ':' */
	unsigned line;
	char *cut;      /* where the last token's NUL was written */
	char cutc;      /* the byte it replaced */
};

/* Terminate the token at e, remembering the byte to put back. */
static void cut(struct parser *dp, char *e)
{
	dp->cut = e;
	dp->cutc = *e;
	*e = '\0';
}

static void uncut(struct parser *dp)
{
	if (dp->cut) {
		*dp->cut = dp->cutc;
		dp->cut = NULL;
	}
}

static int emit(struct parser *dp, struct kdep_token *t, char *s,
		char *e, unsigned line)
{
	int target = dp->dialect == KDEP_DIALECT_KBUILD ? e[-1] == ':'
							: dp->intarget;

	if (dp->dialect == KDEP_DIALECT_KBUILD && target)
		e--; /* the ':' is not part of the name */
	t->s = s;
	t->len = (size_t)(e - s);
	t->line = line;
	t->kind = target ? KDEP_TOK_TARGET : KDEP_TOK_PREREQ;
	t->first = !target && dp->aftercolon;
	if (target)
		dp->aftercolon = dp->dialect == KDEP_DIALECT_KBUILD;
	else
		dp->aftercolon = 0;
	cut(dp, e);
	return 1;
}

/*
 * Bytes that end a word, as tables: a depfile is some 20 KiB per object
 * and a byte test a step is most of the cost of reading it.
 */
static const unsigned char kbuildstop[256] = {
	['\0'] = 1, [' '] = 1, ['\\'] = 1, ['\n'] = 1,
};
static const unsigned char kbuild63stop[256] = {
	['\0'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['#'] = 1, [':'] = 1,
};

static int kbuildsep(char c)
{
	return c == ' ' || c == '\\' || c == '\n';
}

static int nextkbuild(struct parser *dp, struct kdep_token *t)
{
	char *p = dp->p, *q;

	for (; p < dp->end && kbuildsep(*p); p++)
		if (*p == '\n')
			dp->line++;
	if (p == dp->end || *p == '\0') {
		dp->p = dp->end;
		return 0;
	}
	for (q = p; q < dp->end && !kbuildstop[(unsigned char)*q]; q++)
		;
	dp->p = q;
	return emit(dp, t, p, q, dp->line);
}

/* Skip a '#' comment; an escaped byte (even a newline) stays inside it. */
static char *skipcomment(struct parser *dp, char *p)
{
	for (p++; p < dp->end && *p && *p != '\n'; p++) {
		if (*p == '\\' && p + 1 < dp->end) {
			p++;
			if (*p == '\n')
				dp->line++;
		}
	}
	return p;
}

static int nextkbuild63(struct parser *dp, struct kdep_token *t)
{
	char *p = dp->p, *q;

	while (p < dp->end && *p) {
		switch (*p) {
		case '#':
			p = skipcomment(dp, p);
			continue;
		case ' ':
		case '\t':
			p++;
			continue;
		case '\\':
			if (p[1] == '\n') {
				p += 2;
				dp->line++;
				continue;
			}
			break;
		case '\n':
			p++;
			dp->line++;
			dp->intarget = 1;
			continue;
		case ':':
			p++;
			dp->intarget = 0;
			dp->aftercolon = 1;
			continue;
		}
		/* a word: up to " \t\n#:", with "\#" and "\:" unescaped */
		for (q = p; q < dp->end && !kbuild63stop[(unsigned char)*q];
		     q++) {
			if (*q != '\\')
				continue;
			if (q[1] == '\n')
				break;
			if (q[1] == '#' || q[1] == ':') {
				memmove(p + 1, p, (size_t)(q - p));
				p++;
			}
			q++;
			if (q == dp->end || *q == '\0')
				break;
		}
		dp->p = q;
		return emit(dp, t, p, q, dp->line);
	}
	dp->p = dp->end;
	return 0;
}

/* Bytes makeword() looks at; a run of any others is copied whole. */
static const unsigned char makestop[256] = {
	['\0'] = 1, [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1,
	['\\'] = 1, ['$'] = 1,
};

static int makespace(const char *p, const char *end)
{
	return p == end || *p == ' ' || *p == '\t' || *p == '\r' ||
	       *p == '\n' || *p == '\0';
}

/* Length of a backslash-newline at p ("\\\n" or "\\\r\n"), else 0. */
static size_t contline(const char *p, const char *end)
{
	if (p < end && *p == '\\') {
		if (p + 1 < end && p[1] == '\n')
			return 2;
		if (p + 2 < end && p[1] == '\r' && p[2] == '\n')
			return 3;
	}
	return 0;
}

/*
 * Read one make-dialect word starting at *pp into out (which trails the
 * input, so unescaping works in place).  Returns the end of the output and
 * leaves *pp after the input consumed; *colon is set when the word ends in
 * an unescaped ':'.
 */
static char *makeword(struct parser *dp, char **pp, int *colon)
{
	char *q = *pp, *out = *pp;

	*colon = 0;
	while (!makespace(q, dp->end) && !contline(q, dp->end)) {
		size_t n = 0;

		if (!makestop[(unsigned char)*q]) {
			char *s = q;

			while (++q < dp->end && !makestop[(unsigned char)*q])
				;
			if (out != s)
				memmove(out, s, (size_t)(q - s));
			out += q - s;
			*colon = q[-1] == ':';
			continue;
		}
		if (*q == '$' && q + 1 < dp->end && q[1] == '$') {
			*out++ = '$';
			q += 2;
			*colon = 0;
			continue;
		}
		if (*q != '\\') {
			*colon = *q == ':';
			*out++ = *q++;
			continue;
		}
		while (q + n < dp->end && q[n] == '\\')
			n++;
		*colon = 0;
		if (q + n < dp->end && q[n] == ' ') {
			/* 2N+1 -> N and a space; 2N -> 2N and the end */
			size_t keep = n % 2 ? n / 2 : n;

			memset(out, '\\', keep);
			out += keep;
			q += n;
			if (n % 2 == 0)
				break;
			*out++ = ' ';
			q++;
		} else if (q + n < dp->end && (q[n] == '#' || q[n] == ':')) {
			char c = q[n];
			int last = c == ':' && makespace(q + n + 1, dp->end);

			/* "\:" before whitespace is a backslash, then the
			 * colon that ends the targets */
			memset(out, '\\', last ? n : n - 1);
			out += last ? n : n - 1;
			*out++ = c;
			q += n + 1;
			*colon = last;
		} else {
			/* anything else, a newline included, keeps the run:
			 * only a lone backslash continues a line */
			memset(out, '\\', n);
			out += n;
			q += n;
			if (q < dp->end && *q == '\t')
				*out++ = *q++; /* and "\\\t" is text to ninja */
		}
	}
	*pp = q;
	return out;
}

static int nextmake(struct parser *dp, struct kdep_token *t)
{
	char *p = dp->p, *e;
	size_t n;
	int colon;

	for (;;) {
		if (p == dp->end) {
			dp->p = p;
			return 0;
		}
		if ((n = contline(p, dp->end))) {
			p += n;
			dp->line++;
		} else if (*p == '\n') {
			p++;
			dp->line++;
			dp->intarget = 1;
		} else if (*p == '#') {
			while (p < dp->end && *p != '\n')
				p++;
		} else if (makespace(p, dp->end)) {
			p++;
		} else {
			break;
		}
	}
	{
		char *s = p;
		unsigned line = dp->line;

		e = makeword(dp, &p, &colon);
		dp->p = p;
		if (colon)
			e--;
		if (e == s && colon) {
			/* a lone ':' ends the targets */
			dp->intarget = 0;
			dp->aftercolon = 1;
			return nextmake(dp, t);
		}
		emit(dp, t, s, e, line);
		if (colon) {
			dp->intarget = 0;
			dp->aftercolon = 1;
		}
		return 1;
	}
}

int kdep_depparse(char *data, size_t len, enum kdep_dialect dialect,
		  kdep_tokfn fn, void *ctx)
{
	struct parser dp = {.p = data, .end = data + len, .dialect = dialect,
			    .intarget = 1, .line = 1};
	int (*next)(struct parser *, struct kdep_token *) =
		dialect == KDEP_DIALECT_KBUILD	   ? nextkbuild
		: dialect == KDEP_DIALECT_KBUILD63 ? nextkbuild63
						   : nextmake;
	struct kdep_token t;
	int e = 0;

	while (e == 0 && next(&dp, &t)) {
		e = fn(ctx, &t);
		uncut(&dp);
	}
	return e;
}
