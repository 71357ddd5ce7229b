/*
 * scan.c - find the CONFIG_ symbols a source or header uses.
 *
 * The rules are upstream fixdep's: a symbol is a prefix ("CONFIG_") and
 * the [A-Za-z0-9_] bytes after it; "_MODULE" at its end is dropped (a
 * tristate's =m shows up as CONFIG_FOO_MODULE but depends on FOO); an
 * empty name is no symbol.  From Linux 4.17 a match preceded by an
 * identifier byte (UML_CONFIG_X) is not one.  A NUL byte ends the text,
 * as it ends upstream's strstr().
 */
#define _GNU_SOURCE /* memmem: glibc, musl and the BSDs have it */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const defprefixes[] = {"CONFIG_", NULL};

/* The next match of any prefix at or after from; the longest on a tie. */
static const char *nextmatch(const char *const *pre, const char **next,
			     const char *from, const char *end, size_t *plen)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; pre[i]; i++) {
		size_t n = strlen(pre[i]);

		if (next[i] && next[i] < from)
			next[i] = memmem(from, (size_t)(end - from), pre[i], n);
		if (next[i] && (!best || next[i] < best ||
				(next[i] == best && n > *plen))) {
			best = next[i];
			*plen = n;
		}
	}
	return best;
}

int kdep_scan(const struct kdep_scanopts *o, const char *text, size_t len,
	      kdep_symfn fn, void *ctx)
{
	const char *const *pre = o && o->prefixes ? o->prefixes : defprefixes;
	const char *stack[8], **next = stack;
	const char *end, *p = text, *nul = memchr(text, '\0', len);
	size_t i, n = 0, plen = 0;
	int r = 0;

	end = nul ? nul : text + len;
	for (; pre[n]; n++)
		if (!*pre[n])
			return kdep_err(KDEP_EDATA, "empty symbol prefix");
	if (n > 8 && !(next = malloc(n * sizeof(*next))))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		next[i] = memmem(text, (size_t)(end - text), pre[i],
				 strlen(pre[i]));

	while (r == 0 && (p = nextmatch(pre, next, p, end, &plen))) {
		const char *s, *q;

		if (o && o->boundary && p > text &&
		    kdep_isident((unsigned char)p[-1])) {
			p += plen;
			continue;
		}
		s = q = p + plen;
		while (q < end && kdep_isident((unsigned char)*q))
			q++;
		p = q;
		if (kdep_endswith(s, (size_t)(q - s), "_MODULE"))
			q -= 7;
		if (q > s)
			r = fn(ctx, s, (size_t)(q - s));
	}
	if (next != stack)
		free(next);
	return r;
}
