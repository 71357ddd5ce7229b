/*
 * text.c - lines and words: the one splitter of the line-based inputs
 * (.config and auto.conf, modules.order, symbol lists, autoksyms.h, the
 * kernel's Makefile).
 *
 * A line ends at '\n', which is not part of it; a last line without one
 * counts, an empty text has no line.  Words are the runs of bytes between
 * separators; a NUL byte is never a separator, so it stays in a word for
 * the caller to refuse.
 */
#include <string.h>

#include "internal.h"

void kdep_linesinit(struct kdep_lines *l, const char *text, size_t len)
{
	l->p = text;
	l->end = text + len;
	l->s = NULL;
	l->len = 0;
	l->no = 0;
}

int kdep_nextline(struct kdep_lines *l)
{
	const char *nl;

	if (l->p >= l->end)
		return 0;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	l->s = l->p;
	l->len = (size_t)((nl ? nl : l->end) - l->p);
	l->p = nl ? nl + 1 : l->end;
	l->no++;
	return 1;
}

static int issep(char c, const char *seps)
{
	return c != '\0' && strchr(seps, c) != NULL;
}

int kdep_nextword(const char *s, size_t len, size_t *at, const char *seps,
		  const char **w, size_t *wlen)
{
	size_t i = *at, j;

	while (i < len && issep(s[i], seps))
		i++;
	if (i == len) {
		*at = len;
		return 0;
	}
	for (j = i; j < len && !issep(s[j], seps); j++)
		;
	*w = s + i;
	*wlen = j - i;
	*at = j;
	return 1;
}

int kdep_startswith(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return n <= len && memcmp(s, prefix, n) == 0;
}

int kdep_endswith(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return n <= len && memcmp(s + len - n, suffix, n) == 0;
}
