/*
 * ksyms.c - autoksyms' symbol names, the sorted lists of them, and the
 * list's text form, include/generated/autoksyms.h.
 *
 * A symbol name becomes a file name under the stamp folder and a word in
 * make's input, so it must be an identifier, [A-Za-z0-9_]{1,1024};
 * kdep_badsym() says why one is not.  Lists are sorted bytewise
 * (LC_COLLATE=C, as kbuild exports) without duplicates.
 *
 * include/generated/autoksyms.h, byte for byte what the scripts write:
 *
 *   /\*
 *    * Automatically generated file; DO NOT EDIT.
 *    *\/
 *   <empty line>
 *   #define __KSYM_<sym> 1          one line per symbol, sorted
 *
 * Reading one back counts its "#define __KSYM_" lines (the scripts'
 * grep -c); each must be such a line.  Where we differ from the scripts,
 * on purpose: a missing autoksyms.h is an empty list (every symbol is
 * new); the scripts' sort failed, so nothing changed and nothing was
 * rebuilt.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char hdrtop[] = "/*\n"
			     " * Automatically generated file; DO NOT EDIT.\n"
			     " */\n"
			     "\n";
static const char defpfx[] = "#define __KSYM_";

struct kdep_ksyms {
	struct kdep_buf names; /* the names, each followed by a NUL */
	size_t *off;	       /* name i starts at names.data + off[i] */
	size_t n, cap;
};

struct kdep_ksyms *kdep_ksyms_new(void)
{
	struct kdep_ksyms *l = calloc(1, sizeof(*l));

	if (!l)
		kdep_err(KDEP_ENOMEM, "out of memory");
	return l;
}

size_t kdep_ksyms_count(const struct kdep_ksyms *l)
{
	return l->n;
}

const char *kdep_ksyms_name(const struct kdep_ksyms *l, size_t i)
{
	return l->names.data + l->off[i];
}

int kdep_ksyms_add(struct kdep_ksyms *l, const char *name, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		size_t *off;

		if (cap > (size_t)-1 / sizeof(*off))
			return kdep_err(KDEP_ENOMEM, "out of memory");
		off = realloc(l->off, cap * sizeof(*off));
		if (!off)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		l->off = off;
		l->cap = cap;
	}
	l->off[l->n] = l->names.len;
	if (kdep_bufadd(&l->names, name, len) < 0 ||
	    kdep_bufadd(&l->names, "", 1) < 0)
		return KDEP_ENOMEM;
	l->n++;
	return 0;
}

/* strcmp compares as unsigned char: the C locale's (bytewise) order. */
int kdep_strpcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int kdep_ksyms_sort(struct kdep_ksyms *l)
{
	const char **v;
	size_t i, n = 0;

	if (l->n < 2)
		return 0;
	v = malloc(l->n * sizeof(*v));
	if (!v)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (i = 0; i < l->n; i++)
		v[i] = kdep_ksyms_name(l, i);
	qsort(v, l->n, sizeof(*v), kdep_strpcmp);
	for (i = 0; i < l->n; i++)
		if (n == 0 || strcmp(v[i], v[n - 1]) != 0)
			v[n++] = v[i];
	for (i = 0; i < n; i++)
		l->off[i] = (size_t)(v[i] - l->names.data);
	l->n = n;
	free(v);
	return 0;
}

/* Compare the string a with b[0..len): like strcmp on the two strings. */
static int cmpname(const char *a, const char *b, size_t len)
{
	size_t alen = strlen(a);
	int c = memcmp(a, b, alen < len ? alen : len);

	if (c)
		return c;
	return alen < len ? -1 : alen > len;
}

int kdep_ksyms_has(const struct kdep_ksyms *l, const char *name, size_t len)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmpname(kdep_ksyms_name(l, mid), name, len);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void kdep_ksyms_free(struct kdep_ksyms *l)
{
	if (!l)
		return;
	kdep_buffree(&l->names);
	free(l->off);
	free(l);
}

int kdep_issym(const char *s, size_t len)
{
	return len > 0 && len <= KDEP_MAXSYM && kdep_isname(s, len);
}

/*
 * Explain a bad symbol without echoing bytes that could break the line:
 * "FILE:LINE: WHAT: ..." (no ":LINE" when line is 0).
 */
int kdep_badsym(const char *file, unsigned line, const char *what,
		const char *s, size_t len)
{
	struct kdep_buf at = {0};
	size_t i = 0;
	int r;

	if ((line ? kdep_bufprintf(&at, "%s:%u", file, line)
		  : kdep_bufputs(&at, file)) < 0)
		return KDEP_ENOMEM;
	while (i < len && kdep_isident((unsigned char)s[i]))
		i++;
	if (len == 0)
		r = kdep_err(KDEP_EDATA, "%s: %s: empty name", at.data, what);
	else if (i == len)
		r = kdep_err(KDEP_EDATA, "%s: %s: longer than %d bytes",
			     at.data, what, KDEP_MAXSYM);
	else
		r = kdep_err(KDEP_EDATA, "%s: %s: byte 0x%02x at offset %zu",
			     at.data, what, (unsigned char)s[i], i);
	kdep_buffree(&at);
	return r;
}

/* ---- the header ---------------------------------------------------------- */

int kdep_ksyms_header(const struct kdep_ksyms *l, struct kdep_buf *out)
{
	size_t i;

	if (kdep_bufadd(out, hdrtop, sizeof(hdrtop) - 1) < 0)
		return KDEP_ENOMEM;
	for (i = 0; i < l->n; i++)
		if (kdep_bufprintf(out, "%s%s 1\n", defpfx,
				   kdep_ksyms_name(l, i)) < 0)
			return KDEP_ENOMEM;
	return 0;
}

struct hdrparse {
	struct kdep_ksyms *l;
	const char *file;
	size_t count;
};

static int hdrline(struct hdrparse *h, unsigned line, const char *s, size_t len)
{
	size_t n = sizeof(defpfx) - 1;

	if (len < n || memcmp(s, defpfx, n) != 0)
		return 0;
	h->count++; /* grep -c "^#define __KSYM_" */
	if (len < n + 3 || memcmp(s + len - 2, " 1", 2) != 0 ||
	    !kdep_issym(s + n, len - n - 2))
		return kdep_err(KDEP_EDATA, "%s:%u: not a '%s<symbol> 1' line",
				h->file, line, defpfx);
	return kdep_ksyms_add(h->l, s + n, len - n - 2);
}

int kdep_ksyms_readheader(const char *path, struct kdep_ksyms *out,
			  size_t *count)
{
	struct kdep_buf b = {0};
	struct hdrparse h = {out, path, 0};
	int r = kdep_readfile(path, &b, NULL);

	if (r == KDEP_ENOENT) {
		r = 0; /* no header yet: every symbol is new */
	} else if (r == 0) {
		struct kdep_lines l;

		kdep_linesinit(&l, b.data, b.len);
		while (r == 0 && kdep_nextline(&l))
			r = hdrline(&h, l.no, l.s, l.len);
		if (r == 0)
			r = kdep_ksyms_sort(out);
	}
	if (count)
		*count = h.count;
	kdep_buffree(&b);
	return r;
}
