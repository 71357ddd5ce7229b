/*
 * listing.c - which stamps exist, from one listing of each stamp folder.
 *
 * A kernel object names some 650 stamps (fixdep's records ask which
 * exist; `kdep cc` creates the missing ones).  In the flat layout they
 * share one folder: listing it once per run (or taking the listing from
 * the scan cache, unchanged since) costs half of 650 access() calls.  In
 * the split layout most folders hold one or two of them, and listing
 * each (open, two getdents, close) would cost more than asking for the
 * files.  So a folder is listed once more than LISTAFTER of its stamps
 * were asked for in this run, and those before are asked for one by one
 * (with the cache: at once, the listing is a stat() and a lookup).
 * Stamps come in runs from one folder, so the last folder is kept at hand.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define LISTAFTER 8

/* A name in a listing: its hash and 1 + its offset; off 0: a free slot. */
struct slot {
	uint32_t hash, off;
};

struct folder {
	unsigned asked;        /* stamps asked for before it was listed */
	int state;             /* UNLISTED, LISTED or UNLISTABLE */
	struct kdep_buf names; /* LISTED: the entries, NUL after each */
	struct slot *tab;      /* and a table of them, at most half full */
	size_t mask;
};

enum { UNLISTED, LISTED, UNLISTABLE };

static void freefolder(void *p)
{
	struct folder *f = p;

	kdep_buffree(&f->names);
	free(f->tab);
	free(f);
}

/*
 * The table over f->names, in place: a listing is looked up a few hundred
 * times, so its names are neither copied nor kept in a general set.
 */
static int maketable(struct folder *f)
{
	const char *p = f->names.data, *end = p + f->names.len, *q;
	size_t n = 0, cap = 8, i;

	for (q = p; q < end && (q = memchr(q, '\0', (size_t)(end - q))); q++)
		n++;
	while (cap < 2 * n)
		cap *= 2;
	if (f->names.len >= UINT32_MAX ||
	    !(f->tab = calloc(cap, sizeof(*f->tab))))
		return KDEP_ENOMEM;
	f->mask = cap - 1;
	for (; p < end; p += n + 1) {
		uint32_t h = (uint32_t)kdep_quickhash(p, n = strlen(p), 0);

		for (i = h & f->mask; f->tab[i].off; i = (i + 1) & f->mask)
			;
		f->tab[i].hash = h;
		f->tab[i].off = (uint32_t)(p - f->names.data) + 1;
	}
	return 0;
}

static int listed(const struct folder *f, const char *name)
{
	size_t n = strlen(name), i;
	uint32_t h = (uint32_t)kdep_quickhash(name, n, 0);

	for (i = h & f->mask; f->tab[i].off; i = (i + 1) & f->mask)
		if (f->tab[i].hash == h &&
		    strcmp(f->names.data + f->tab[i].off - 1, name) == 0)
			return 1;
	return 0;
}

/* List folder f, dlen bytes of path (none: "."): LISTED or UNLISTABLE. */
static int list(struct kdep_listing *l, struct folder *f, const char *path,
		size_t dlen)
{
	const char *names;
	size_t len;
	int e;

	l->dir.len = 0;
	if (kdep_bufadd(&l->dir, dlen ? path : ".", dlen ? dlen : 1) < 0)
		return KDEP_ENOMEM;
	if (!l->cache) {
		e = kdep_listdir(l->dir.data, &f->names);
	} else if ((e = kdep_cache_list(l->cache, l->dir.data, &names,
					&len)) == 0 &&
		   kdep_bufadd(&f->names, names, len) < 0) {
		e = KDEP_ENOMEM; /* the cache's copy lasts to its next call */
	}
	if (e == KDEP_ENOENT) {
		f->names.len = 0; /* no folder, no stamps */
		e = 0;
	}
	if (e == 0 && (e = maketable(f)) == 0) {
		f->state = LISTED;
		return 0;
	}
	kdep_buffree(&f->names);
	f->state = UNLISTABLE;
	return e == KDEP_ENOMEM ? e : 0;
}

int kdep_mayexist(struct kdep_listing *l, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	struct folder *f;
	int e;

	if (!l->last || dlen != l->lastpath.len ||
	    memcmp(path, l->lastpath.data, dlen) != 0) {
		if (!l->dirs && !(l->dirs = kdep_nameset_new()))
			return KDEP_ENOMEM;
		if ((e = kdep_nameset_put(l->dirs, path, dlen, &l->last)) < 0)
			return e;
		l->lastpath.len = 0;
		if (kdep_bufadd(&l->lastpath, path, dlen) < 0) {
			l->last = NULL;
			return KDEP_ENOMEM;
		}
		if (!*l->last && !(*l->last = calloc(1, sizeof(*f)))) {
			l->last = NULL;
			return KDEP_ENOMEM;
		}
	}
	f = *l->last;
	if (f->state == UNLISTED && (l->cache || ++f->asked > LISTAFTER) &&
	    (e = list(l, f, path, dlen)) < 0)
		return e;
	if (f->state == LISTED)
		return listed(f, base);
	if (f->state == UNLISTABLE)
		return 2;
	if (access(path, F_OK) == 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : 2;
}

void kdep_listing_free(struct kdep_listing *l)
{
	if (l->dirs)
		kdep_nameset_each(l->dirs, freefolder);
	kdep_nameset_free(l->dirs);
	kdep_buffree(&l->dir);
	kdep_buffree(&l->lastpath);
	l->dirs = NULL;
	l->last = NULL;
}
