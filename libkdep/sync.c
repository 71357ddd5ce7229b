/*
 * sync.c - the stamp sync kconfig does when it writes auto.conf ("make
 * syncconfig"): kdep_syncconfig.  It writes auto.conf and autoconf.h
 * (their formats are in kconfig.c) and one stamp per changed symbol, at
 * kdep_stamppath(dir, NAME, layout).  kconfig leaves stamps empty and only touches them; ours hold
 * the symbol's auto.conf line, or "# CONFIG_FOO is not set\n" for n, so
 * that content-hash checks see a change as well as make does.
 *
 * A symbol is changed when its old and new lines differ (old: <dir>/
 * auto.conf, missing means n).  That is kconfig's rule: old and new
 * values differ; n with no old value is no change; a symbol that left
 * the config changed (to n).  Stamps of unchanged symbols are never
 * touched, and auto.conf and autoconf.h are replaced only when their
 * content changes.  Order as in kconfig: stamps, autoconf.h, auto.conf
 * last, so an interrupted sync is redone in full by the next one.
 */
#include <string.h>
#include <time.h>

#include "internal.h"

struct sync {
	const struct kdep_syncopts *o;
	const char *dir;
	struct kdep_syncstats *st;
	struct timespec start;
	struct kdep_buf path, was, now;
};

/* Line of name in c into out; a symbol c lacks is n. */
static int lineof(struct kdep_buf *out, const struct kdep_config *c,
		  const char *name)
{
	const struct kdep_confsym *s = kdep_config_find(c, name);

	out->len = 0;
	if (s)
		return kdep_confline(out, name, s->kind, s->val);
	return kdep_confline(out, name, KDEP_CONF_N, NULL);
}

/* Compare name's old and new lines; on a change write its stamp. */
static int syncsym(struct sync *y, const struct kdep_config *old,
		   const struct kdep_config *new, const char *name)
{
	int r;

	if (lineof(&y->was, old, name) < 0 || lineof(&y->now, new, name) < 0)
		return KDEP_ENOMEM;
	if (y->was.len == y->now.len &&
	    memcmp(y->was.data, y->now.data, y->now.len) == 0)
		return 0;
	y->st->changed++;
	y->path.len = 0;
	if ((r = kdep_stamppath(&y->path, y->dir, name, strlen(name),
				y->o->layout)) < 0)
		return r;
	/* start: later than every target built before this sync */
	r = kdep_writestamp(y->path.data, y->now.data, y->now.len, &y->start,
			    NULL);
	if (r > 0)
		y->st->written++;
	return r < 0 ? r : 0;
}

static int syncstamps(struct sync *y, const struct kdep_config *old,
		      const struct kdep_config *new)
{
	size_t i;
	int e;

	for (i = 0; i < kdep_config_count(new); i++)
		if ((e = syncsym(y, old, new, kdep_config_sym(new, i)->name)) < 0)
			return e;
	for (i = 0; i < kdep_config_count(old); i++) {
		const char *name = kdep_config_sym(old, i)->name;

		if (!kdep_config_find(new, name) &&
		    (e = syncsym(y, old, new, name)) < 0)
			return e;
	}
	return 0;
}

/* Replace path with the output of fn when it differs; *written = 1 if so. */
static int syncfile(const char *path, const struct kdep_config *c,
		    int (*fn)(const struct kdep_config *, struct kdep_buf *),
		    int *written)
{
	struct kdep_buf b = {0};
	int r = fn(c, &b);

	if (r == 0)
		r = kdep_writeifchanged(path, b.data, b.len, 0644);
	kdep_buffree(&b);
	if (r < 0)
		return r;
	*written = r;
	return 0;
}

/* The old auto.conf; a missing one (NULL) means every symbol was n. */
static int readold(const char *path, struct kdep_config **old)
{
	int e = kdep_config_parse(path, old);

	return e == KDEP_ENOENT ? 0 : e;
}

int kdep_syncconfig(const struct kdep_syncopts *o, struct kdep_syncstats *st)
{
	struct kdep_config *old = NULL, *new;
	struct kdep_syncstats dummy;
	struct sync y = {o, NULL, st ? st : &dummy, {0, 0}, {0}, {0}, {0}};
	const char *hdr = o->autoheader ? o->autoheader : KDEP_AUTOHEADER;
	struct kdep_buf autoconf = {0};
	int e;

	memset(y.st, 0, sizeof(*y.st));
	y.dir = o->dir && *o->dir ? o->dir : KDEP_CONFIGDIR;
	clock_gettime(CLOCK_REALTIME, &y.start);
	if ((e = kdep_config_parse(o->config, &new)) < 0)
		return e;
	y.st->symbols = kdep_config_count(new);
	y.st->ignored = kdep_config_ignored(new, &y.st->firstignored);
	if (kdep_bufprintf(&autoconf, "%s/auto.conf", y.dir) < 0)
		e = KDEP_ENOMEM;
	if (e == 0)
		e = readold(autoconf.data, &old);
	if (e == 0)
		e = syncstamps(&y, old, new);
	if (e == 0 && *hdr)
		e = syncfile(hdr, new, kdep_config_autoheader,
			     &y.st->autoheader);
	if (e == 0)
		e = syncfile(autoconf.data, new, kdep_config_autoconf,
			     &y.st->autoconf);
	kdep_config_free(old);
	kdep_config_free(new);
	kdep_buffree(&autoconf);
	kdep_buffree(&y.path);
	kdep_buffree(&y.was);
	kdep_buffree(&y.now);
	return e;
}
