/*
 * ksymdeps.c - what the kernel's gen_ksymdeps.sh (Linux 5.0-6.3) appends
 * to an object's .cmd file: the ksym stamps of the symbols the object
 * exports, so that a change of one symbol rebuilds only its exporters.
 *
 * The ksymdeps block (nothing at all when the object has no
 * __ksym_marker_ symbol):
 *
 *   <empty line>
 *   ksymdeps_<obj> := \
 *       $(wildcard <stamp>) \       one per marker, in nm's order
 *   <empty line>
 *   <obj>: $(ksymdeps_<obj>)
 *   <empty line>
 *   $(ksymdeps_<obj>):
 *
 * nm lists symbols sorted by name (strcoll, i.e. bytewise under kbuild's
 * LC_COLLATE=C), so markers are sorted by their full symbol name.
 *
 * Where we differ from the script, on purpose:
 *   - Names that are not symbol names (see ksyms.c) are refused.
 *   - An object that is not ELF is an error; the scripts hid nm's message
 *     and printed nothing.  LLVM bitcode objects (clang LTO) are refused
 *     with a message that says so.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct markers {
	const char **v; /* full symbol names, into the object's bytes */
	size_t n, cap;
};

/* sed 's/.*__ksym_marker_\(.*\)/\1/': what follows the last marker */
static const char *markerof(const char *s, size_t len)
{
	static const char m[] = "__ksym_marker_";
	const size_t n = sizeof(m) - 1;
	const char *hit = NULL;
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (s[i] == '_' && memcmp(s + i, m, n) == 0)
			hit = s + i + n;
	return hit;
}

static int onsym(void *ctx, const char *name, size_t len)
{
	struct markers *m = ctx;

	if (!markerof(name, len))
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		const char **v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = name;
	return 0;
}

/* The block, the stamps where a (folder and layout) puts them. */
static int putdeps(const char *obj, const struct markers *m,
		   const struct kdep_autoksyms *a, struct kdep_buf *out)
{
	size_t i, start = out->len;
	int r = 0;

	for (i = 0; i < m->n; i++) {
		const char *s = markerof(m->v[i], strlen(m->v[i]));
		size_t len = strlen(s);

		if (len == 0)
			continue; /* the shell's word splitting drops it */
		if (!kdep_issym(s, len))
			return kdep_badsym(obj, 0, "bad __ksym_marker_ symbol",
					   s, len);
		if (out->len == start &&
		    kdep_bufprintf(out, "\nksymdeps_%s := \\\n", obj) < 0)
			return KDEP_ENOMEM;
		if (kdep_bufputs(out, "    $(wildcard ") < 0 ||
		    (r = kdep_ksymstamppath(a, s, len, out)) < 0 ||
		    kdep_bufputs(out, ") \\\n") < 0)
			return r < 0 ? r : KDEP_ENOMEM;
	}
	if (out->len != start &&
	    kdep_bufprintf(out, "\n%s: $(ksymdeps_%s)\n\n$(ksymdeps_%s):\n",
			   obj, obj, obj) < 0)
		return KDEP_ENOMEM;
	return 0;
}

int kdep_ksymdeps(const char *obj, const char *ksymdir, enum kdep_layout layout,
		  struct kdep_buf *out)
{
	const struct kdep_autoksyms a = {.ksymdir = ksymdir, .layout = layout};
	struct kdep_buf b = {0};
	struct markers m = {0};
	int r;

	if ((r = kdep_readfile(obj, &b, NULL)) == 0 &&
	    (r = kdep_elf_symbols(b.data, b.len, obj, onsym, &m)) == 0) {
		if (m.n > 1)
			qsort(m.v, m.n, sizeof(*m.v), kdep_strpcmp);
		r = putdeps(obj, &m, &a, out);
	}
	free(m.v);
	kdep_buffree(&b);
	return r;
}
