/*
 * kconfig.c - .config and auto.conf: parsing them, and writing auto.conf
 * and autoconf.h as kconfig does (sync.c writes them and the stamps).
 *
 * Input: a .config or auto.conf, one assignment per line
 *
 *	CONFIG_FOO=y                  bool/tristate y
 *	CONFIG_FOO=m                  tristate m
 *	CONFIG_FOO=n                  same as "is not set"
 *	# CONFIG_FOO is not set       n
 *	CONFIG_FOO=123, =-5           int (decimal, optional '-')
 *	CONFIG_FOO=0x1f               hex ("0x" or "0X" and hex digits)
 *	CONFIG_FOO="a \"b\" \\c"      string; a backslash takes the next byte
 *	                              literally, as kconfig and Kconfiglib do
 *	CONFIG_FOO=some text          any other unquoted value is a string,
 *	                              as Linux 6.x writes them in auto.conf
 *
 * Trailing blanks (and a CR) are ignored, as the C tools and Kconfiglib
 * do.  Blank lines and other lines starting with '#' are comments.  A
 * line that starts with a blank - an indented assignment or comment
 * alike - is ignored, as both kconfig (which warns "unexpected data") and
 * Kconfiglib ignore it; kdep_config_ignored() counts them, so that callers
 * can warn too.  Anything else is an error naming file:line - kconfig only
 * warns, but a sync that guesses would touch the wrong stamps.  NAME must
 * be [A-Za-z0-9_]+, since it becomes a path.  A later assignment to the
 * same name replaces the value and keeps the first one's place (kconfig's
 * "override").  A string stops at its closing quote; nothing may follow.
 * NUL bytes are refused.  The heading kconfig writes,
 *
 *	#
 *	# Automatically generated file; DO NOT EDIT.
 *	# TITLE
 *	#
 *
 * gives the title that our own files repeat.
 *
 * Without the Kconfig files the type of a value is read from its spelling:
 * hex without "0x" (legal in kconfig) reads as a string, and so does an
 * unquoted string that looks like a number as an int.  Quoting, as every
 * .config does, removes the doubt.
 *
 * Output 1: <dir>/auto.conf, the previous values a sync compares with:
 *
 *	#
 *	# Automatically generated file; DO NOT EDIT.
 *	# TITLE                        (only when the input had one)
 *	#
 *	CONFIG_FOO=y                   every symbol that is not n,
 *	CONFIG_BAR="quoted \"text\""   in input order
 *
 * Strings stay quoted and escaped (kconfig-frontends 4.11 and Kconfiglib
 * write them so; Linux 6.1 writes them raw, which we read too), so that
 * reading the file back gives the same kinds and values.
 *
 * Output 2: autoconf.h, kconfig's layout with its modern heading (the
 * same three lines as above, between C comment marks: "/" "*" alone on
 * the first line, " * " before each text line, " *" "/" on the last):
 *
 *	#define CONFIG_FOO 1                   y
 *	#define CONFIG_FOO_MODULE 1            m
 *	#define CONFIG_FOO 0x1f                int/hex as written
 *	#define CONFIG_FOO "quoted \"text\""   string
 *
 * Output 3, the stamps of a sync, is described in sync.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char heading[] = "Automatically generated file; DO NOT EDIT.";

/* ---- the symbol table ---------------------------------------------------- */

struct kdep_config {
	struct kdep_confsym *syms; /* in order of first assignment, n too */
	size_t n, cap;
	char *title;               /* "# TITLE" of kconfig's heading, or NULL */
	unsigned ignored;          /* indented lines, ignored */
	unsigned firstignored;     /* the first one's number */
	struct kdep_nameset *index; /* name -> its syms index + 1 */
};

/* A NULL config is an empty one: every symbol n. */
size_t kdep_config_count(const struct kdep_config *c)
{
	return c ? c->n : 0;
}

const struct kdep_confsym *kdep_config_sym(const struct kdep_config *c,
					   size_t i)
{
	return c && i < c->n ? &c->syms[i] : NULL;
}

const char *kdep_config_title(const struct kdep_config *c)
{
	return c ? c->title : NULL;
}

unsigned kdep_config_ignored(const struct kdep_config *c, unsigned *first)
{
	if (first)
		*first = c ? c->firstignored : 0;
	return c ? c->ignored : 0;
}

const struct kdep_confsym *kdep_config_find(const struct kdep_config *c,
					    const char *name)
{
	void **val;

	if (!c || !c->index ||
	    !(val = kdep_nameset_get(c->index, name, strlen(name))) || !*val)
		return NULL;
	return &c->syms[(size_t)(uintptr_t)*val - 1];
}

/*
 * Set name (len bytes) to val (a malloc'd string, taken over even on
 * failure).  A name set again keeps its first place.
 */
static int setsym(struct kdep_config *c, const char *name, size_t len,
		  char *val, enum kdep_confkind kind, unsigned line)
{
	struct kdep_confsym *s;
	void **slot;
	int added;

	if (!c->index && !(c->index = kdep_nameset_new()))
		goto nomem;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		void *p = realloc(c->syms, cap * sizeof(*c->syms));

		if (!p)
			goto nomem;
		c->syms = p;
		c->cap = cap;
	}
	if ((added = kdep_nameset_put(c->index, name, len, &slot)) < 0)
		goto nomem;
	if (!added) {
		s = &c->syms[(size_t)(uintptr_t)*slot - 1];
		free(s->val);
	} else {
		s = &c->syms[c->n];
		if (!(s->name = malloc(len + 1)))
			goto nomem;
		memcpy(s->name, name, len);
		s->name[len] = '\0';
		*slot = (void *)(uintptr_t)++c->n;
	}
	s->val = val;
	s->kind = kind;
	s->line = line;
	return 0;
nomem:
	free(val);
	return kdep_err(KDEP_ENOMEM, "out of memory");
}

static void clear(struct kdep_config *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->syms[i].name);
		free(c->syms[i].val);
	}
	free(c->syms);
	kdep_nameset_free(c->index);
	free(c->title);
	memset(c, 0, sizeof(*c));
}

void kdep_config_free(struct kdep_config *c)
{
	if (c) {
		clear(c);
		free(c);
	}
}

/* ---- parsing ------------------------------------------------------------- */

struct line {
	const char *file;
	unsigned no;
	const char *s; /* the line without its newline and trailing blanks */
	size_t len;
};

static int lerr(const struct line *l, const char *what)
{
	return kdep_err(KDEP_EDATA, "%s:%u: %s", l->file, l->no, what);
}

static int isblank_(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int isdigit_(char c)
{
	return c >= '0' && c <= '9';
}

static int isxdigit_(char c)
{
	return isdigit_(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* What an unquoted value is, by its spelling. */
static enum kdep_confkind unquotedkind(const char *v, size_t n)
{
	size_t i = 0;

	if (n == 1 && (*v == 'y' || *v == 'm' || *v == 'n'))
		return *v == 'y' ? KDEP_CONF_Y :
		       *v == 'm' ? KDEP_CONF_M : KDEP_CONF_N;
	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		for (i = 2; i < n && isxdigit_(v[i]); i++)
			;
		return i == n ? KDEP_CONF_NUM : KDEP_CONF_STR;
	}
	if (n > 0 && v[0] == '-')
		i = 1;
	if (i == n)
		return KDEP_CONF_STR;
	for (; i < n && isdigit_(v[i]); i++)
		;
	return i == n ? KDEP_CONF_NUM : KDEP_CONF_STR;
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

int kdep_confsplit(const char *s, size_t len, const char **name,
		   size_t *nlen, const char **val, size_t *vlen)
{
	const char *eq;

	if (!kdep_startswith(s, len, KDEP_CONFIGPREFIX) ||
	    !(eq = memchr(s, '=', len)))
		return 0;
	*name = s + 7;
	*nlen = (size_t)(eq - *name);
	*val = eq + 1;
	*vlen = len - *nlen - 8;
	return 1;
}

int kdep_confunescape(const char *s, size_t n, struct kdep_buf *out,
		      size_t *used)
{
	size_t i = 0, from = 0;

	if (kdep_bufreserve(out, n) < 0)
		return KDEP_ENOMEM;
	while (i < n && s[i] != '"') {
		if (s[i] == '\\' && i + 1 < n) {
			if (kdep_bufadd(out, s + from, i - from) < 0)
				return KDEP_ENOMEM;
			from = i + 1;
			i += 2;
		} else {
			i++;
		}
	}
	*used = i;
	return kdep_bufadd(out, s + from, i - from);
}

/* The text of the quoted string v[0..n) (v[0] == '"'), unescaped. */
static int unquote(const struct line *l, const char *v, size_t n, char **out)
{
	struct kdep_buf b = {0};
	size_t used;

	if (kdep_confunescape(v + 1, n - 1, &b, &used) < 0) {
		kdep_buffree(&b);
		return KDEP_ENOMEM;
	}
	/* the closing quote must be the last byte */
	if (used + 2 != n) {
		kdep_buffree(&b);
		return lerr(l, used + 1 == n ? "unterminated string" :
					       "text after the closing quote");
	}
	*out = b.data;
	return 0;
}

/* "CONFIG_NAME=VALUE" */
static int assignment(struct kdep_config *c, const struct line *l)
{
	const char *name, *v;
	size_t n, vn;
	char *val = NULL;
	enum kdep_confkind kind = KDEP_CONF_STR;
	int e;

	if (!kdep_confsplit(l->s, l->len, &name, &n, &v, &vn))
		return lerr(l, "expected CONFIG_NAME=value");
	if (!kdep_isname(name, n))
		return lerr(l, "bad symbol name");
	if (vn > 0 && *v == '"') {
		if ((e = unquote(l, v, vn, &val)) < 0)
			return e;
	} else {
		kind = unquotedkind(v, vn);
		if (!(val = dupn(v, vn)))
			return kdep_err(KDEP_ENOMEM, "out of memory");
	}
	return setsym(c, name, n, val, kind, l->no);
}

/* "# CONFIG_NAME is not set": 1; any other comment: 0. */
static int notset(struct kdep_config *c, const struct line *l)
{
	static const char tail[] = " is not set";
	size_t t = sizeof(tail) - 1;
	char *val;

	if (!kdep_startswith(l->s, l->len, "# CONFIG_") || l->len < 9 + t ||
	    memcmp(l->s + l->len - t, tail, t) != 0 ||
	    !kdep_isname(l->s + 9, l->len - 9 - t))
		return 0;
	if (!(val = dupn("n", 1)))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	if (setsym(c, l->s + 9, l->len - 9 - t, val, KDEP_CONF_N, l->no) < 0)
		return KDEP_ENOMEM;
	return 1;
}

/*
 * The title of kconfig's heading: the "# TITLE" line right after
 * "# Automatically generated...", before any assignment.  *st: 0 looking
 * for the heading, 1 the title comes next, 2 done.
 */
static int title(struct kdep_config *c, const struct line *l, int *st)
{
	size_t h = sizeof(heading) - 1;

	if (*st == 1) {
		*st = 2;
		if (l->len > 2 && kdep_startswith(l->s, l->len, "# ") &&
		    !(c->title = dupn(l->s + 2, l->len - 2)))
			return kdep_err(KDEP_ENOMEM, "out of memory");
	} else if (*st == 0 && l->len == 2 + h &&
		   kdep_startswith(l->s, l->len, "# ") &&
		   memcmp(l->s + 2, heading, h) == 0) {
		*st = 1;
	}
	return 0;
}

static int parseline(struct kdep_config *c, const struct line *l, int *st)
{
	int e;

	if (memchr(l->s, '\0', l->len))
		return lerr(l, "NUL byte");
	if (l->len == 0) /* trailing blanks are gone: a blank line */
		return 0;
	if (isblank_(l->s[0])) {
		if (c->ignored++ == 0)
			c->firstignored = l->no;
		return 0;
	}
	if (l->s[0] == '#') {
		if ((e = notset(c, l)) == 0)
			return title(c, l, st);
		*st = 2;
		return e < 0 ? e : 0;
	}
	*st = 2;
	if (!kdep_startswith(l->s, l->len, KDEP_CONFIGPREFIX))
		return lerr(l, "expected CONFIG_NAME=value, "
			       "\"# CONFIG_NAME is not set\" or a comment");
	return assignment(c, l);
}

static int parse(const char *file, const char *data, size_t len,
		 struct kdep_config *c)
{
	struct kdep_lines it;
	struct line l = {file, 0, NULL, 0};
	int st = 0, e = 0;

	memset(c, 0, sizeof(*c));
	kdep_linesinit(&it, data, len);
	while (e == 0 && kdep_nextline(&it)) {
		l.no = it.no;
		l.s = it.s;
		for (l.len = it.len; l.len > 0 && isblank_(l.s[l.len - 1]);)
			l.len--;
		e = parseline(c, &l, &st);
	}
	if (e < 0)
		clear(c);
	return e;
}

static int load(const char *path, struct kdep_config *c)
{
	struct kdep_buf b = {0};
	int e;

	memset(c, 0, sizeof(*c));
	e = kdep_readfile(path, &b, NULL);
	if (e == 0)
		e = parse(path, b.data, b.len, c);
	kdep_buffree(&b);
	return e;
}

/* A new config, filled by parse or load; *out NULL on error. */
static int make(struct kdep_config **out, const char *file, const char *data,
		size_t len)
{
	struct kdep_config *c = malloc(sizeof(*c));
	int e;

	*out = NULL;
	if (!c)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	e = data ? parse(file, data, len, c) : load(file, c);
	if (e < 0) {
		free(c);
		return e;
	}
	*out = c;
	return 0;
}

int kdep_config_parsemem(const char *file, const char *data, size_t len,
			 struct kdep_config **c)
{
	return make(c, file, data ? data : "", len);
}

int kdep_config_parse(const char *path, struct kdep_config **c)
{
	return make(c, path, NULL, 0);
}

/* ---- writing ------------------------------------------------------------- */

static int addquoted(struct kdep_buf *out, const char *s)
{
	if (kdep_bufadd(out, "\"", 1) < 0)
		return KDEP_ENOMEM;
	for (; *s; s++)
		if (((*s == '"' || *s == '\\') && kdep_bufadd(out, "\\", 1) < 0) ||
		    kdep_bufadd(out, s, 1) < 0)
			return KDEP_ENOMEM;
	return kdep_bufadd(out, "\"", 1);
}

int kdep_confline(struct kdep_buf *out, const char *name,
		  enum kdep_confkind kind, const char *val)
{
	if (kind == KDEP_CONF_N)
		return kdep_bufprintf(out, "# CONFIG_%s is not set\n", name);
	if (kdep_bufprintf(out, "CONFIG_%s=", name) < 0)
		return KDEP_ENOMEM;
	if (kind == KDEP_CONF_STR) {
		if (addquoted(out, val) < 0)
			return KDEP_ENOMEM;
	} else if (kdep_bufputs(out, val) < 0) {
		return KDEP_ENOMEM;
	}
	return kdep_bufadd(out, "\n", 1);
}

static int headline(struct kdep_buf *out, const struct kdep_config *c,
		    const char *open, const char *deco, const char *close)
{
	if (kdep_bufprintf(out, "%s\n%s %s\n", open, deco, heading) < 0 ||
	    (c->title && kdep_bufprintf(out, "%s %s\n", deco, c->title) < 0) ||
	    kdep_bufprintf(out, "%s\n", close) < 0)
		return KDEP_ENOMEM;
	return 0;
}

int kdep_config_autoconf(const struct kdep_config *c, struct kdep_buf *out)
{
	size_t i;

	if (headline(out, c, "#", "#", "#") < 0)
		return KDEP_ENOMEM;
	for (i = 0; i < c->n; i++) {
		const struct kdep_confsym *s = &c->syms[i];

		if (s->kind != KDEP_CONF_N &&
		    kdep_confline(out, s->name, s->kind, s->val) < 0)
			return KDEP_ENOMEM;
	}
	return 0;
}

static int defline(struct kdep_buf *out, const struct kdep_confsym *s)
{
	switch (s->kind) {
	case KDEP_CONF_Y:
		return kdep_bufprintf(out, "#define CONFIG_%s 1\n", s->name);
	case KDEP_CONF_M:
		return kdep_bufprintf(out, "#define CONFIG_%s_MODULE 1\n",
				      s->name);
	case KDEP_CONF_NUM:
		return kdep_bufprintf(out, "#define CONFIG_%s %s\n", s->name,
				      s->val);
	case KDEP_CONF_STR:
		if (kdep_bufprintf(out, "#define CONFIG_%s ", s->name) < 0 ||
		    addquoted(out, s->val) < 0)
			return KDEP_ENOMEM;
		return kdep_bufadd(out, "\n", 1);
	case KDEP_CONF_N: /* n is no #define */
		break;
	}
	return 0;
}

int kdep_config_autoheader(const struct kdep_config *c, struct kdep_buf *out)
{
	size_t i;

	if (headline(out, c, "/*", " *", " */") < 0)
		return KDEP_ENOMEM;
	for (i = 0; i < c->n; i++)
		if (defline(out, &c->syms[i]) < 0)
			return KDEP_ENOMEM;
	return 0;
}
