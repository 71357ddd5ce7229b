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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define LISTAFTER 8

struct folder {
	unsigned asked;
	int state;                  /* UNLISTED, LISTED or UNLISTABLE */
	struct kdep_nameset *names; /* when LISTED */
};

enum { UNLISTED, LISTED, UNLISTABLE };

static void freefolder(void *p)
{
	struct folder *f = p;

	kdep_nameset_free(f->names);
	free(f);
}

/* The NUL-terminated names of [p, p + len) into set, sized once. */
static int addnames(struct kdep_nameset *set, const char *p, size_t len)
{
	const char *end = p + len, *q;
	size_t n = 0;

	if (len == 0)
		return 0;
	for (q = p; q < end && (q = memchr(q, '\0', (size_t)(end - q))); q++)
		n++;
	if (kdep_nameset_reserve(set, n) < 0)
		return KDEP_ENOMEM;
	for (; p < end; p += n + 1)
		if ((n = strnlen(p, (size_t)(end - p))) &&
		    kdep_nameset_add(set, p, n) < 0)
			return KDEP_ENOMEM;
	return 0;
}

/* List folder f, dlen bytes of path (none: "."): LISTED or UNLISTABLE. */
static int list(struct kdep_listing *l, struct folder *f, const char *path,
		size_t dlen)
{
	struct kdep_nameset *set = kdep_nameset_new();
	struct kdep_buf own = {0};
	const char *names;
	size_t len;
	int e;

	l->dir.len = 0;
	if (!set ||
	    kdep_bufadd(&l->dir, dlen ? path : ".", dlen ? dlen : 1) < 0) {
		kdep_nameset_free(set);
		return KDEP_ENOMEM;
	}
	if (l->cache) {
		e = kdep_cache_list(l->cache, l->dir.data, &names, &len);
	} else {
		e = kdep_listdir(l->dir.data, &own);
		names = own.data;
		len = own.len;
	}
	if (e == 0)
		e = addnames(set, names, len);
	else if (e == KDEP_EIO && (errno == ENOENT || errno == ENOTDIR))
		e = 0; /* no folder, no stamps */
	kdep_buffree(&own);
	if (e < 0) {
		kdep_nameset_free(set);
		f->state = UNLISTABLE;
		return e == KDEP_ENOMEM ? e : 0;
	}
	f->names = set;
	f->state = LISTED;
	return 0;
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
		if (e == 1 && !(*l->last = calloc(1, sizeof(*f))))
			return KDEP_ENOMEM;
	}
	f = *l->last;
	if (f->state == UNLISTED && (l->cache || ++f->asked > LISTAFTER) &&
	    (e = list(l, f, path, dlen)) < 0)
		return e;
	if (f->state == LISTED)
		return kdep_nameset_has(f->names, base, strlen(base));
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
