/*
 * cmdfile.c - read kbuild's .cmd files back: what each target was built
 * from.
 *
 * A .cmd file is a makefile fragment that kbuild includes on the next
 * run.  Every profile's fixdep (fixdep.c) writes, for target T:
 *
 *	cmd_T := CMDLINE                  ("savedcmd_T" from Linux 6.3)
 *
 *	source_T := SOURCE
 *
 *	deps_T := \
 *	    $(wildcard include/config/FOO) \      a config stamp (flat), or
 *	    $(wildcard include/config/foo.h) \    (split, up to Linux 5.12)
 *	  include/linux/foo.h \                   a file the compile read
 *
 *	T: $(deps_T)
 *
 *	$(deps_T):
 *
 * gen_ksymdeps.sh (TRIM_UNUSED_KSYMS) may append the same shape for
 * ksymdeps_T, whose $(wildcard) lines are include/ksym stamps; kbuild
 * appends rule lines such as "T: $(wildcard ./tools/objtool/objtool)";
 * link steps have a cmd_ line only.  Older kbuilds (BusyBox, U-Boot) write
 * the same lines, some without source_.
 *
 * What is read (a line at a time):
 *   - "NAME := VALUE": cmd_/savedcmd_/source_ give the command line and
 *     source; deps_/ksymdeps_ must have the value "\" and open a block;
 *     any other variable is passed over.
 *   - a block: each line ends in " \"; "$(wildcard X)" is a stamp, any
 *     other text a file (verbatim: a 6.3 path may hold spaces); an empty
 *     line ends it.  A block still open at the end is a truncated file.
 *   - "T: $(deps_T)" and "T: $(ksymdeps_T)" put a block to use; a block
 *     without its rule is a truncated file too (make would ignore it).
 *   - "$(deps_T):" and "$(ksymdeps_T):": the empty rules, passed over.
 *   - any other "T: WORDS" (or "T:"): more prerequisites of T.
 * Outside a block, a line ending in "\" goes on on the next, as in make:
 * the backslash, the newline and the next line's leading blanks become
 * one space, and the joined line is read as above.  (The tools/ build
 * writes a compiler's depfile that way when it has no fixdep, and up to
 * Linux 6.2 fixdep prints a word that precedes the first target as a
 * stray "  word \" line that make joins to the source_ line, making it
 * an assignment to a name with spaces: source_ is then lost to make,
 * and to us.)
 *   - empty lines and "#" comments.
 * Anything else, a NUL byte, or an unfinished block is KDEP_EDATA with
 * "FILE:LINE: what".  Entries reach the callback as they are read, so
 * a caller that wants all or nothing keeps them until the end.
 */
#include <string.h>

#include "internal.h"

struct parse {
	const char *file;
	kdep_cmdfn fn;
	void *ctx;
	unsigned line;
	/* the open block (kind KDEP_CMD_DEP: deps_, KDEP_CMD_KSYM) */
	int inblock, blockkind;
	const char *bt;
	size_t btlen;
	unsigned blockline;
	struct kdep_buf join; /* a logical line made of continued lines */
	/* blocks opened and rules seen: each block needs its rule */
	unsigned blocks, rules;
	const char *lastt; /* the last block's target, for its message */
	size_t lastlen;
	unsigned lastline;
	int lastkind;
};

static int has(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

static int emit(struct parse *p, int kind, const char *t, size_t tlen,
		const char *s, size_t len, int wildcard)
{
	struct kdep_cmdent e = {kind, t, tlen, s, len, wildcard, p->line};

	return p->fn ? p->fn(p->ctx, &e) : 0;
}

/* "$(wildcard X)": X into *s, *n. */
static int iswildcard(const char *w, size_t n, const char **s, size_t *len)
{
	if (n < 12 || !has(w, n, "$(wildcard ") || w[n - 1] != ')')
		return 0;
	*s = w + 11;
	*len = n - 12;
	while (*len && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	return *len > 0;
}

static int assignment(struct parse *p, const char *s, size_t n,
		      const char *eq)
{
	const char *name = s, *val = eq + 3 < s + n ? eq + 4 : s + n;
	size_t nlen = (size_t)(eq - s), vlen = (size_t)(s + n - val);
	static const char *const pre[] = {"cmd_", "savedcmd_", "source_",
					  "deps_", "ksymdeps_"};
	size_t i, k;

	for (i = 0; i < 5; i++)
		if (has(name, nlen, pre[i]))
			break;
	if (i == 5)
		return 0; /* some other variable */
	k = strlen(pre[i]);
	if (nlen == k)
		return kdep_err(KDEP_EDATA, "%s:%u: %s with no target",
				p->file, p->line, pre[i]);
	name += k;
	nlen -= k;
	if (i < 2)
		return emit(p, KDEP_CMD_CMDLINE, name, nlen, val, vlen, 0);
	if (i == 2)
		return emit(p, KDEP_CMD_SOURCE, name, nlen, val, vlen, 0);
	while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		vlen--;
	if (vlen != 1 || *val != '\\')
		return kdep_err(KDEP_EDATA, "%s:%u: %s%.*s is not a \\ list",
				p->file, p->line, pre[i], (int)nlen, name);
	p->inblock = 1;
	p->blockkind = i == 3 ? KDEP_CMD_DEP : KDEP_CMD_KSYM;
	p->bt = name;
	p->btlen = nlen;
	p->blockline = p->line;
	p->blocks++;
	p->lastt = name;
	p->lastlen = nlen;
	p->lastline = p->line;
	p->lastkind = p->blockkind;
	return 0;
}

/* One line inside a deps_ or ksymdeps_ block. */
static int blockline(struct parse *p, const char *s, size_t n)
{
	const char *w;
	size_t len;

	if (n == 0) {
		p->inblock = 0;
		return 0;
	}
	if (s[n - 1] != '\\')
		return kdep_err(KDEP_EDATA,
				"%s:%u: line in %s%.*s without a trailing \\",
				p->file, p->line,
				p->blockkind == KDEP_CMD_DEP ? "deps_"
							     : "ksymdeps_",
				(int)p->btlen, p->bt);
	n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0)
		return 0;
	if (iswildcard(s, n, &w, &len))
		return emit(p, p->blockkind == KDEP_CMD_DEP ? KDEP_CMD_STAMP
							    : KDEP_CMD_KSYM,
			    p->bt, p->btlen, w, len, 1);
	if (p->blockkind == KDEP_CMD_KSYM)
		return kdep_err(KDEP_EDATA,
				"%s:%u: ksymdeps_%.*s lists a file, not a stamp",
				p->file, p->line, (int)p->btlen, p->bt);
	return emit(p, KDEP_CMD_DEP, p->bt, p->btlen, s, n, 0);
}

/* "T: $(deps_T)" or "T: $(ksymdeps_T)": 1 if it is one. */
static int blockrule(const char *s, size_t n, const char *var)
{
	const char *q;
	size_t k = strlen(var), tlen;

	/* "T: $(VART)" is 2 * tlen + k + 5 bytes */
	if (n < k + 7 || s[n - 1] != ')' || (n - 5 - k) % 2)
		return 0;
	tlen = (n - 5 - k) / 2;
	q = s + tlen;
	return memcmp(q, ": $(", 4) == 0 && memcmp(q + 4, var, k) == 0 &&
	       memcmp(q + 4 + k, s, tlen) == 0;
}

/* The words of a rule, from w to end, as prerequisites of t. */
static int words(struct parse *p, const char *t, size_t tlen, const char *w,
		 const char *end)
{
	const char *x, *s;
	size_t len;
	int e;

	while (w < end) {
		while (w < end && (*w == ' ' || *w == '\t'))
			w++;
		if (w == end)
			break;
		if (has(w, (size_t)(end - w), "$(wildcard ")) {
			/* a wildcard holds one path: up to its ')' */
			x = memchr(w, ')', (size_t)(end - w));
			if (!x)
				return kdep_err(KDEP_EDATA,
						"%s:%u: unclosed $(wildcard",
						p->file, p->line);
			x++;
		} else {
			for (x = w; x < end && *x != ' ' && *x != '\t'; x++)
				;
		}
		if (iswildcard(w, (size_t)(x - w), &s, &len))
			e = emit(p, KDEP_CMD_EXTRA, t, tlen, s, len, 1);
		else
			e = emit(p, KDEP_CMD_EXTRA, t, tlen, w,
				 (size_t)(x - w), 0);
		if (e)
			return e;
		w = x;
	}
	return 0;
}

/* Any other rule: "T: WORDS". */
static int rule(struct parse *p, const char *s, size_t n, const char *colon)
{
	size_t tlen = (size_t)(colon - s);

	while (tlen && (s[tlen - 1] == ' ' || s[tlen - 1] == '\t'))
		tlen--;
	if (tlen == 0)
		return kdep_err(KDEP_EDATA, "%s:%u: rule without a target",
				p->file, p->line);
	return words(p, s, tlen, colon + 1, s + n);
}

static int line(struct parse *p, const char *s, size_t n)
{
	const char *eq, *colon;

	if (n && s[n - 1] == '\r')
		n--;
	if (p->inblock)
		return blockline(p, s, n);
	/* the value keeps its spaces: a record hashes the command line */
	if ((eq = memchr(s, ':', n)) && eq > s && eq[-1] == ' ' &&
	    eq + 1 < s + n && eq[1] == '=' && (eq + 2 == s + n || eq[2] == ' '))
		return assignment(p, s, n, eq - 1);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || *s == '#')
		return 0;
	if (blockrule(s, n, "deps_") || blockrule(s, n, "ksymdeps_")) {
		p->rules++;
		return 0;
	}
	if ((has(s, n, "$(deps_") || has(s, n, "$(ksymdeps_")) &&
	    memcmp(s + n - 2, "):", 2) == 0)
		return 0;
	if ((colon = memchr(s, ':', n)) &&
	    (colon + 1 == s + n || colon[1] == ' ' || colon[1] == '\t'))
		return rule(p, s, n, colon);
	return kdep_err(KDEP_EDATA, "%s:%u: not a .cmd line: %.*s", p->file,
			p->line, (int)(n > 60 ? 60 : n), s);
}

/* "deps_T := \" or "ksymdeps_T := \": a block, not a joined line. */
static int opensblock(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n > 5 && memcmp(s + n - 5, " := \\", 5) == 0 &&
	       (has(s, n, "deps_") || has(s, n, "ksymdeps_"));
}

/* The logical line that starts at s and goes on past each "\\\n". */
static int joined(struct parse *p, const char **s, const char *end,
		  const char **next)
{
	const char *l = *s, *nl;
	size_t n;

	p->join.len = 0;
	for (;;) {
		if (!(nl = memchr(l, '\n', (size_t)(end - l))))
			nl = end;
		n = (size_t)(nl - l);
		if (n && l[n - 1] == '\r')
			n--;
		if (!n || l[n - 1] != '\\' || nl == end) {
			if (kdep_bufadd(&p->join, l, n) < 0)
				return KDEP_ENOMEM;
			break;
		}
		if (kdep_bufadd(&p->join, l, n - 1) < 0 ||
		    kdep_bufadd(&p->join, " ", 1) < 0)
			return KDEP_ENOMEM;
		l = nl + 1;
		p->line++;
		while (l < end && (*l == ' ' || *l == '\t'))
			l++;
	}
	*next = nl;
	*s = p->join.data;
	return 0;
}

int kdep_cmdparse(const char *file, const char *data, size_t len,
		  kdep_cmdfn fn, void *ctx)
{
	struct parse p = {.file = file, .fn = fn, .ctx = ctx};
	const char *s = data, *end = data + len, *nl, *nul, *l;
	unsigned first;
	int e = 0;

	if ((nul = memchr(data, '\0', len))) {
		for (s = data, p.line = 1; s < nul; s++)
			p.line += *s == '\n';
		return kdep_err(KDEP_EDATA, "%s:%u: NUL byte: not a .cmd file",
				file, p.line);
	}
	for (s = data; e == 0 && s < end; s = nl + 1) {
		size_t n;

		first = ++p.line;
		if (!(nl = memchr(s, '\n', (size_t)(end - s))))
			nl = end;
		n = (size_t)(nl - s);
		if (n && s[n - 1] == '\r')
			n--;
		if (p.inblock || !n || s[n - 1] != '\\' || opensblock(s, n)) {
			e = line(&p, s, n);
			continue;
		}
		l = s;
		if ((e = joined(&p, &l, end, &nl)) == 0) {
			unsigned last = p.line;

			p.line = first; /* messages name the first line */
			e = line(&p, l, p.join.len);
			p.line = last;
		}
	}
	kdep_buffree(&p.join);
	if (e)
		return e;
	if (p.inblock)
		return kdep_err(KDEP_EDATA,
				"%s:%u: %s%.*s has no end (truncated?)", file,
				p.blockline,
				p.blockkind == KDEP_CMD_DEP ? "deps_"
							    : "ksymdeps_",
				(int)p.btlen, p.bt);
	if (p.rules < p.blocks)
		return kdep_err(KDEP_EDATA,
				"%s:%u: %s%.*s has no rule using it "
				"(truncated?)",
				file, p.lastline,
				p.lastkind == KDEP_CMD_DEP ? "deps_"
							   : "ksymdeps_",
				(int)p.lastlen, p.lastt);
	return 0;
}
