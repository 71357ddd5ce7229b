/*
 * nameset.c - a set of byte strings with one value slot each: symbols
 * listed in a fixdep run, files listed once, per-path facts in a check.
 * Open addressing with linear probing, kept at most half full.
 * Names live in chunks of an arena: one malloc per 16 KiB, not per name.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"


struct entry {
	unsigned hash;
	size_t len;
	char *name;
	void *val;
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct kdep_nameset {
	struct entry *tab;
	size_t cap, count;
	struct chunk *chunks;
};

/* A copy of s[0..n) plus a NUL, in the set's arena. */
static char *keep(struct kdep_nameset *set, const char *s, size_t n)
{
	struct chunk *c = set->chunks;
	char *p;

	if (!c || c->size - c->used < n + 1) {
		size_t size = n + 1 > 16384 ? n + 1 : 16384;

		if (!(c = malloc(sizeof(*c) + size)))
			return NULL;
		c->next = set->chunks;
		c->used = 0;
		c->size = size;
		set->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

/* The table hash: kdep_quickhash, its low half. */
static unsigned strhash(const char *s, size_t n)
{
	return (unsigned)kdep_quickhash(s, n, 0);
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

static struct entry *slot(struct entry *tab, size_t cap, unsigned h,
			  const char *s, size_t n)
{
	size_t i = h & (cap - 1);

	while (tab[i].name && !(tab[i].hash == h && tab[i].len == n &&
				 memcmp(tab[i].name, s, n) == 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int rehash(struct kdep_nameset *set)
{
	size_t i, cap = set->cap * 2;
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
	unsigned h = strhash(s, n);
	struct entry *e;

	/* grow first, so that the slot handed out stays where it is */
	if ((set->count + 1) * 2 > set->cap && rehash(set) < 0)
		return KDEP_ENOMEM;
	e = slot(set->tab, set->cap, h, s, n);
	if (val)
		*val = &e->val;
	if (e->name)
		return 0;
	if (!(e->name = keep(set, s, n)))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	e->hash = h;
	e->len = n;
	e->val = NULL;
	set->count++;
	return 1;
}

int kdep_nameset_has(const struct kdep_nameset *set, const char *s, size_t n)
{
	return slot(set->tab, set->cap, strhash(s, n), s, n)->name != NULL;
}

int kdep_nameset_add(struct kdep_nameset *set, const char *s, size_t n)
{
	return kdep_nameset_put(set, s, n, NULL);
}

void kdep_nameset_each(struct kdep_nameset *set, void (*fn)(void *val))
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		if (set->tab[i].name && set->tab[i].val)
			fn(set->tab[i].val);
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
