/*
 * listing.c - which stamps exist, from one listing of each stamp folder.
 *
 * A kernel object names some 650 stamps and most of them do not exist
 * (fixdep's records ask which do; `kdep cc` creates the missing ones).
 * Listing each folder once per run (or taking the listing from the scan
 * cache, unchanged since) replaces hundreds of access() or stat() calls.
 * Stamps come in runs from one folder (the flat layout has one), so the
 * folder of the last path is kept at hand.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static void freeset(void *set)
{
	kdep_nameset_free(set);
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

/*
 * List the folder of path (dlen bytes of it; none: ".") into a new set at
 * *l->last, left NULL if it cannot be listed.
 */
static int list(struct kdep_listing *l, const char *path, size_t dlen)
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
		return e == KDEP_ENOMEM ? e : 0;
	}
	*l->last = set;
	return 0;
}

int kdep_mayexist(struct kdep_listing *l, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	struct kdep_nameset *set;
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
		if (e == 1 && (e = list(l, path, dlen)) < 0)
			return e;
	}
	set = *l->last;
	if (!set)
		return 2;
	return kdep_nameset_has(set, base, strlen(base));
}

void kdep_listing_free(struct kdep_listing *l)
{
	if (l->dirs)
		kdep_nameset_each(l->dirs, freeset);
	kdep_nameset_free(l->dirs);
	kdep_buffree(&l->dir);
	kdep_buffree(&l->lastpath);
	l->dirs = NULL;
	l->last = NULL;
}
