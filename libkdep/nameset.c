/*
 * nameset.c - a set of byte strings with one value slot each: symbols
 * listed in a fixdep run, files listed once, per-path facts in a check,
 * the names of a .config.  The one hash table of the library.
 * Open addressing with linear probing, kept at most half full.
 * Names live in chunks of an arena: one malloc per 16 KiB, not per name;
 * each name's value slot sits in front of it there, so that a table entry
 * is 16 bytes.  (A fixdep run is short: every page its tables grow
 * through costs a page fault, a few microseconds on a VM.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct entry {
	uint32_t hash, len;
	char *name; /* in the arena, after its value slot */
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	void *data[]; /* aligned for the value slots */
};

struct kdep_nameset {
	struct entry *tab;
	size_t cap, count;
	struct chunk *chunks;
};

#define SLOT sizeof(void *)

/* The value slot in front of a kept name. */
static void **valslot(char *name)
{
	return (void **)(void *)(name - SLOT);
}

/* A NULL value slot and a copy of s[0..n) plus a NUL, in the arena. */
static char *keep(struct kdep_nameset *set, const char *s, size_t n)
{
	struct chunk *c = set->chunks;
	size_t need = SLOT + n + 1, at = 0;
	char *p;

	if (c)
		at = (c->used + SLOT - 1) / SLOT * SLOT;
	if (!c || at > c->size || c->size - at < need) {
		size_t size = need > 16384 ? need : 16384;

		if (!(c = malloc(sizeof(*c) + size)))
			return NULL;
		c->next = set->chunks;
		c->size = size;
		set->chunks = c;
		at = 0;
	}
	p = (char *)c->data + at;
	memset(p, 0, SLOT);
	memcpy(p + SLOT, s, n);
	p[SLOT + n] = '\0';
	c->used = at + need;
	return p + SLOT;
}

/* The table hash: kdep_quickhash, its low half. */
static uint32_t strhash(const char *s, size_t n)
{
	return (uint32_t)kdep_quickhash(s, n, 0);
}

struct kdep_nameset *kdep_nameset_new(void)
{
	struct kdep_nameset *set = calloc(1, sizeof(*set));

	if (!set) {
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	set->cap = 64;
	set->tab = calloc(set->cap, sizeof(*set->tab));
	if (!set->tab) {
		free(set);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	return set;
}

static struct entry *slot(struct entry *tab, size_t cap, uint32_t h,
			  const char *s, size_t n)
{
	size_t i = h & (cap - 1);

	while (tab[i].name && !(tab[i].hash == h && tab[i].len == n &&
				 memcmp(tab[i].name, s, n) == 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int rehash(struct kdep_nameset *set, size_t cap)
{
	size_t i;
	struct entry *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (i = 0; i < set->cap; i++)
		if (set->tab[i].name)
			*slot(tab, cap, set->tab[i].hash, set->tab[i].name,
			      set->tab[i].len) = set->tab[i];
	free(set->tab);
	set->tab = tab;
	set->cap = cap;
	return 0;
}

int kdep_nameset_put(struct kdep_nameset *set, const char *s, size_t n,
		     void ***val)
{
	uint32_t h = strhash(s, n);
	struct entry *e;
	int added;

	if (n > UINT32_MAX)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	if ((set->count + 1) * 2 > set->cap && rehash(set, set->cap * 2) < 0)
		return KDEP_ENOMEM;
	e = slot(set->tab, set->cap, h, s, n);
	added = !e->name;
	if (added) {
		if (!(e->name = keep(set, s, n)))
			return kdep_err(KDEP_ENOMEM, "out of memory");
		e->hash = h;
		e->len = (uint32_t)n;
		set->count++;
	}
	if (val)
		*val = valslot(e->name);
	return added;
}

int kdep_nameset_reserve(struct kdep_nameset *set, size_t n)
{
	size_t cap = set->cap;

	if (n > SIZE_MAX / 4 - set->count)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	while ((set->count + n) * 2 > cap)
		cap *= 2;
	return cap == set->cap ? 0 : rehash(set, cap);
}

int kdep_nameset_has(const struct kdep_nameset *set, const char *s, size_t n)
{
	return slot(set->tab, set->cap, strhash(s, n), s, n)->name != NULL;
}

void **kdep_nameset_get(const struct kdep_nameset *set, const char *s,
			size_t n)
{
	struct entry *e = slot(set->tab, set->cap, strhash(s, n), s, n);

	return e->name ? valslot(e->name) : NULL;
}

int kdep_nameset_add(struct kdep_nameset *set, const char *s, size_t n)
{
	return kdep_nameset_put(set, s, n, NULL);
}

void kdep_nameset_each(struct kdep_nameset *set, void (*fn)(void *val))
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		if (set->tab[i].name && *valslot(set->tab[i].name))
			fn(*valslot(set->tab[i].name));
}

void kdep_nameset_free(struct kdep_nameset *set)
{
	struct chunk *c, *next;

	if (!set)
		return;
	for (c = set->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(set->tab);
	free(set);
}
