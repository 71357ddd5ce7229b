/*
 * fixdeprun.c - one whole fixdep run: the .cmd file, then its record.
 *
 * kdep_fixdep() only produces text; a run also reads the extra
 * dependencies, writes the .cmd and keeps the target's record.  The order
 * is what keeps a build right when a run fails or is killed at any
 * moment, so it lives here once, for every caller:
 *
 *   1. extra dependencies a profile does not take are refused before
 *      anything is read or written;
 *   2. without a record, the target's old one is removed first: the new
 *      .cmd must not be vouched for by a record of an older build.  With
 *      one, the record is started (it notes the target's mtime) and
 *      CONFIG values come from an auto.conf when there is one;
 *   3. the .cmd text is made in memory (each file read goes into the
 *      record), then the extra inputs are recorded;
 *   4. the .cmd is written: a file atomically, or a descriptor;
 *   5. the record is written last: a record must never claim more than
 *      the .cmd says.  A run that fails before leaves the old record as
 *      it was and removes the new one's temporary file.
 */

#include "internal.h"

/*
 * Keep CONFIG values when there is an auto.conf: 1 if so, 0 if stamps
 * are to be recorded by state (none given and none in the config
 * folder), or < 0.
 */
static int recordconfig(struct kdep_record *r, const char *autoconf,
			const struct kdep_profile *prof)
{
	struct kdep_buf path = {0};
	int given = autoconf != NULL, e;

	if (!given) {
		if (kdep_bufprintf(&path, "%s/auto.conf", prof->configdir) < 0)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		autoconf = path.data;
	}
	e = kdep_record_config(r, autoconf, prof->layout);
	kdep_buffree(&path);
	/* no access() first: the record's own stat tells a missing default */
	if (e == KDEP_ENOENT && !given)
		return 0;
	return e < 0 ? e : 1;
}

static int readextra(const struct kdep_fixdeprun *o, struct kdep_buf *b)
{
	if (!o->prof->extradeps)
		return kdep_err(KDEP_EDATA,
				"profile %s takes no extra dependencies",
				o->prof->name);
	return kdep_readfd(0, "<stdin>", b);
}

static int writecmd(const struct kdep_fixdeprun *o, const struct kdep_buf *b)
{
	if (o->cmdfile)
		return kdep_writefile(o->cmdfile, b->data, b->len, 0644);
	if (kdep_writeall(o->cmdfd, b->data, b->len) < 0)
		/* upstream fixdep's words */
		return kdep_err(KDEP_EWRITE,
				"not all data was written to the output");
	return 0;
}

int kdep_fixdep_run(const struct kdep_fixdeprun *o)
{
	struct kdep_fixdep f = {.prof = o->prof, .depfile = o->depfile,
				.target = o->target, .cmdline = o->cmdline};
	struct kdep_record *rec = NULL;
	struct kdep_cache *cache = NULL;
	struct kdep_buf extra = {0}, cmd = {0};
	const char *const *in;
	int e;

	if (o->extradeps) {
		if ((e = readextra(o, &extra)) < 0)
			goto done;
		f.extra = extra.data;
		f.extralen = extra.len;
	}
	if (o->record) {
		if (!(rec = kdep_record_new(f.target, f.depfile, f.cmdline))) {
			e = kdep_errcode();
			goto done;
		}
		f.seen = kdep_record_seen;
		f.seenctx = rec;
		if ((e = recordconfig(rec, o->autoconf, o->prof)) < 0)
			goto done;
		f.configbyname = e;
	} else if ((e = kdep_record_remove(f.target)) < 0) {
		goto done;
	}
	if (o->cachedir && *o->cachedir) {
		if ((e = kdep_cache_open(&cache, o->cachedir, &o->prof->scan)) < 0)
			goto done;
		f.cache = cache;
	}
	if ((e = kdep_fixdep(&f, &cmd)) < 0)
		goto done;
	for (in = o->inputs; rec && in && *in; in++)
		if ((e = kdep_record_input(rec, *in)) < 0)
			goto done;
	if ((e = writecmd(o, &cmd)) < 0)
		goto done;
	e = rec ? kdep_record_write(rec) : 0;
done:
	kdep_record_free(rec);
	kdep_cache_close(cache);
	kdep_buffree(&extra);
	kdep_buffree(&cmd);
	return e;
}
