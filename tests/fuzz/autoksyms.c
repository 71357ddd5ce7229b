/*
 * autoksyms.c - fuzz the TRIM_UNUSED_KSYMS inputs through files.
 *
 * kdep.h reads these inputs only from files, so the input is cut at
 * 0x1e bytes into the files of a private build root (a part left out
 * means the file is missing):
 *
 *	flags byte  bit 0: read modules.order; bit 1: read mods/ (4.14)
 *	part 0      modules.order
 *	part 1, 2   a.usyms, b.usyms
 *	part 3      auto.conf (may name a whitelist, relative to ".")
 *	part 4      wl.txt
 *	part 5      mods/m.mod
 *	part 6      autoksyms.h, the header in place
 *
 * kdep_ksyms_needed and kdep_ksyms_readheader are compared with a
 * reference reader written here from the rules at the top of
 * libkdep/autoksyms.c: same success, same sorted list.  Then the plan
 * must hold the symmetric difference and the header text, and that header
 * must read back as the list it was made from.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define SEP 0x1e
#define NPART 7
#define MAXNAME 1024

static const char *const names[NPART] = {
	"modules.order", "a.usyms", "b.usyms", "auto.conf",
	"wl.txt", "mods/m.mod", "autoksyms.h",
};

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_tmpdir(argc, argv);
	CHECK(mkdir("mods", 0755) == 0);
	return 0;
}

/* ---- a list of strings for the reference ---- */

struct list {
	char **v;
	size_t n, cap;
};

static void ladd(struct list *l, const char *s, size_t n)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		CHECK(l->v);
	}
	l->v[l->n++] = fz_dup((const uint8_t *)s, n);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lsort(struct list *l)
{
	size_t i, k = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp);
	for (i = 0; i < l->n; i++) {
		if (k && strcmp(l->v[i], l->v[k - 1]) == 0)
			free(l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

static void lfree(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int same(const struct list *l, const struct kdep_ksyms *k)
{
	size_t i;

	if (l->n != kdep_ksyms_count(k))
		return 0;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], kdep_ksyms_name(k, i)) != 0)
			return 0;
	return 1;
}

/* ---- the reference ---- */

struct part {
	const char *p;
	size_t n;
	int there;
};

static int ident(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
			    s[i]) ||
		    !s[i])
			return 0;
	return n > 0;
}

/* Symbols of a .usyms-like text (only line `only`, if not 0); -1 if bad. */
static int refsyms(const char *t, size_t n, unsigned only, struct list *l)
{
	size_t i = 0;
	unsigned line = 1;

	while (i < n) {
		size_t j;

		if (t[i] == '\n' || t[i] == ' ') {
			line += t[i] == '\n';
			i++;
			continue;
		}
		for (j = i; j < n && t[j] != ' ' && t[j] != '\n'; j++)
			;
		if (!only || line == only) {
			const char *s = t + i;
			size_t k = j - i;

			if (*s == '.')
				s++, k--;
			if (!ident(s, k) || k > MAXNAME)
				return -1;
			if (k != 13 || memcmp(s, "__this_module", 13) != 0)
				ladd(l, s, k);
		}
		i = j;
	}
	return 0;
}

/*
 * The part behind path[0..n) (cut at a NUL, as a C string is), if it is
 * one of ours: "." and empty components are skipped as the kernel does,
 * but a path ending in '/' or "/." can only be a folder.
 */
static const struct part *file(const struct part *parts, const char *path,
			       size_t n)
{
	const struct part *f = NULL;
	char *norm;
	size_t i, k = 0, c;

	n = strnlen(path, n);
	for (i = n; i > 0 && path[i - 1] != '/'; i--)
		;
	if (i == n || (n - i == 1 && path[i] == '.'))
		return NULL; /* the last component names a folder */
	norm = malloc(n + 1);
	CHECK(norm);
	for (i = 0; i < n; i = c + 1) {
		for (c = i; c < n && path[c] != '/'; c++)
			;
		if (c == i || (c == i + 1 && path[i] == '.'))
			continue;
		if (k)
			norm[k++] = '/';
		memcpy(norm + k, path + i, c - i);
		k += c - i;
	}
	for (i = 0; i < NPART; i++)
		if (strlen(names[i]) == k && memcmp(names[i], norm, k) == 0)
			f = parts[i].there ? &parts[i] : NULL;
	free(norm);
	return f;
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* modules.order: per line s/ko$/usyms/, then each blank-separated file */
static int refmodorder(const struct part *parts, struct list *l)
{
	const struct part *mo = &parts[0];
	const char *t = mo->p, *end = t + mo->n;

	while (t < end) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		const char *e = nl ? nl : end;
		char *line = malloc((size_t)(e - t) + 4), *w;
		size_t n = (size_t)(e - t);

		CHECK(line);
		memcpy(line, t, n);
		if (n >= 2 && memcmp(line + n - 2, "ko", 2) == 0)
			memcpy(line + n - 2, "usyms", 5), n += 3;
		for (w = line; w < line + n;) {
			const struct part *f;
			char *we = w;

			if (blank(*w)) {
				w++;
				continue;
			}
			while (we < line + n && !blank(*we))
				we++;
			f = file(parts, w, (size_t)(we - w));
			if (!f || refsyms(f->p, f->n, 0, l) < 0) {
				free(line);
				return -1;
			}
			w = we;
		}
		free(line);
		t = nl ? nl + 1 : end;
	}
	return 0;
}

struct conf {
	int modversions, haswl;
	char *wl;
	size_t wln;
};

static void refconf(const struct part *ac, struct conf *c)
{
	static const char wl[] = "CONFIG_UNUSED_KSYMS_WHITELIST=";
	const char *t = ac->p, *end = t + ac->n;

	while (t < end) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - t), i;

		if (n == 20 && memcmp(t, "CONFIG_MODVERSIONS=y", 20) == 0)
			c->modversions = 1;
		if (n >= sizeof(wl) - 1 && memcmp(t, wl, sizeof(wl) - 1) == 0) {
			const char *v = t + sizeof(wl) - 1;
			size_t vn = n - (sizeof(wl) - 1);

			free(c->wl);
			c->wl = malloc(vn + 1);
			CHECK(c->wl);
			c->haswl = 1;
			c->wln = 0;
			if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
				/* '\\' escapes, but not the last quote */
				for (i = 1; i + 1 < vn; i++) {
					if (v[i] == '\\' && i + 2 < vn)
						i++;
					c->wl[c->wln++] = v[i];
				}
			} else {
				memcpy(c->wl, v, vn);
				c->wln = vn;
			}
		}
		t = nl ? nl + 1 : end;
	}
}

/* kdep_ksyms_needed with a->modorder (if mo) and a->modverdir (if mv) */
static int refneeded(const struct part *parts, int mo, int mv, struct list *l)
{
	struct conf c = {0, 0, NULL, 0};
	const struct part *wl = NULL;
	int r = -1;

	if (!parts[3].there)
		return -1;
	refconf(&parts[3], &c);
	if (c.haswl && c.wln > 0 && !(wl = file(parts, c.wl, c.wln)))
		goto out;
	if (mo && (!parts[0].there || refmodorder(parts, l) < 0))
		goto out;
	if (mv && parts[5].there && refsyms(parts[5].p, parts[5].n, 3, l) < 0)
		goto out;
	if (c.modversions)
		ladd(l, "module_layout", 13);
	if (wl && refsyms(wl->p, wl->n, 0, l) < 0)
		goto out;
	lsort(l);
	r = 0;
out:
	free(c.wl);
	return r;
}

/* autoksyms.h: "#define __KSYM_<sym> 1" lines; -1 if one is bad. */
static int refheader(const struct part *h, struct list *l, size_t *count)
{
	static const char pre[] = "#define __KSYM_";
	const size_t pn = sizeof(pre) - 1;
	const char *t = h->p, *end = t + h->n;

	*count = 0;
	while (t < end) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		size_t n = (size_t)((nl ? nl : end) - t);

		if (n >= pn && memcmp(t, pre, pn) == 0) {
			++*count;
			if (n < pn + 3 || memcmp(t + n - 2, " 1", 2) != 0 ||
			    n - pn - 2 > MAXNAME || !ident(t + pn, n - pn - 2))
				return -1;
			ladd(l, t + pn, n - pn - 2);
		}
		t = nl ? nl + 1 : end;
	}
	lsort(l);
	return 0;
}

/* ---- the target ---- */

static void checkplan(const struct kdep_autoksyms *a,
		      const struct kdep_ksyms *want,
		      const struct kdep_ksyms *old, size_t count)
{
	struct kdep_ksymplan p;
	struct kdep_buf text = {0};
	struct list diff = {0};
	size_t i;

	CHECK(kdep_ksyms_plan(a, &p) == 0);
	CHECK(p.before == count && p.after == kdep_ksyms_count(want));
	for (i = 0; i < kdep_ksyms_count(want); i++)
		if (!kdep_ksyms_has(old, kdep_ksyms_name(want, i),
				    strlen(kdep_ksyms_name(want, i))))
			ladd(&diff, kdep_ksyms_name(want, i),
			     strlen(kdep_ksyms_name(want, i)));
	for (i = 0; i < kdep_ksyms_count(old); i++)
		if (!kdep_ksyms_has(want, kdep_ksyms_name(old, i),
				    strlen(kdep_ksyms_name(old, i))))
			ladd(&diff, kdep_ksyms_name(old, i),
			     strlen(kdep_ksyms_name(old, i)));
	lsort(&diff);
	CHECK(same(&diff, p.changed));
	CHECK(kdep_ksyms_header(want, &text) == 0);
	CHECK(text.len == p.text.len &&
	      memcmp(text.data, p.text.data, text.len) == 0);
	lfree(&diff);
	kdep_buffree(&text);
	kdep_ksymplan_free(&p);
}

/* The header of list l must read back as l. */
static void checkheader(const struct kdep_ksyms *l)
{
	struct kdep_buf text = {0};
	struct kdep_ksyms *back = kdep_ksyms_new();
	size_t i, count, n = kdep_ksyms_count(l);

	CHECK(back);
	CHECK(kdep_ksyms_header(l, &text) == 0);
	fz_write("back.h", text.data, text.len);
	CHECK(kdep_ksyms_readheader("back.h", back, &count) == 0);
	unlink("back.h"); /* no input may name it */
	CHECK(count == n && kdep_ksyms_count(back) == n);
	for (i = 0; i < n; i++)
		CHECK(strcmp(kdep_ksyms_name(l, i), kdep_ksyms_name(back, i)) ==
		      0);
	kdep_ksyms_free(back);
	kdep_buffree(&text);
}

static void split(const uint8_t *data, size_t len, struct part *parts)
{
	size_t i;

	for (i = 0; i < NPART; i++) {
		const uint8_t *e = len ? memchr(data, SEP, len) : NULL;
		size_t n = e ? (size_t)(e - data) : len;

		parts[i].p = (const char *)data;
		parts[i].n = n;
		parts[i].there = len > 0 || e;
		if (parts[i].there)
			fz_write(names[i], data, n);
		else
			unlink(names[i]);
		data += n + (e != NULL);
		len -= n + (e != NULL);
		if (!e)
			len = 0, data = (const uint8_t *)"";
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct kdep_autoksyms a = {0};
	struct part parts[NPART];
	struct kdep_ksyms *got, *old;
	struct list want = {0}, wold = {0};
	size_t count = 0, wcount;
	int flags, r, rr, hr;

	if (len < 1 || !fz_pathsafe(data + 1, len - 1))
		return 0;
	flags = data[0];
	split(data + 1, len - 1, parts);
	a.modorder = flags & 1 ? "modules.order" : NULL;
	a.modverdir = flags & 2 ? "mods" : NULL;
	a.autoconf = "auto.conf";
	a.abs_srctree = ".";
	a.header = "autoksyms.h";

	got = kdep_ksyms_new();
	old = kdep_ksyms_new();
	CHECK(got && old);
	r = kdep_ksyms_needed(&a, got);
	rr = refneeded(parts, flags & 1, flags & 2, &want);
	if (r < 0)
		fz_checkerr();
	CHECK((r == 0) == (rr == 0));
	CHECK(r < 0 || same(&want, got));

	hr = kdep_ksyms_readheader("autoksyms.h", old, &count);
	if (hr < 0)
		fz_checkerr();
	if (!parts[6].there) {
		CHECK(hr == 0 && kdep_ksyms_count(old) == 0 && count == 0);
	} else {
		rr = refheader(&parts[6], &wold, &wcount);
		CHECK((hr == 0) == (rr == 0));
		CHECK(count == wcount);
		CHECK(hr < 0 || same(&wold, old));
	}
	if (r == 0 && hr == 0)
		checkplan(&a, got, old, count);
	if (r == 0)
		checkheader(got);
	kdep_ksyms_free(got);
	kdep_ksyms_free(old);
	lfree(&want);
	lfree(&wold);
	return 0;
}
