/*
 * answer.c - a check put as its callers ask it: kdep_stale tells the
 * reasons as "target: reason" lines (kdep stale -v, kdep why), and
 * kdep_answer puts the verdict as make asks (the names kbuild's
 * newer-prereqs should be; kdep.so).  check.c decides.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * kdep_stale's reasons as "target: [path ]what" lines, each ended by a
 * NUL, kept until the verdict is known: a record found corrupt halfway
 * is only "corrupt", never "corrupt" after changes it claimed.
 */
struct lines {
	const char *target;
	struct kdep_buf b;
	int err;
};

static void line(void *ctx, const char *path, enum kdep_change why,
		 const char *detail)
{
	struct lines *l = ctx;
	int e;

	if (why == KDEP_CONFIG && detail)
		e = kdep_bufprintf(&l->b, "%s: %s", l->target, detail);
	else if (detail)
		e = kdep_bufprintf(&l->b, "%s: %s %s", l->target, path, detail);
	else if (why == KDEP_MISSING)
		e = kdep_bufprintf(&l->b, "%s: missing", l->target);
	else
		e = kdep_bufprintf(&l->b, "%s: %s%s%s", l->target,
				   path ? path : "", path ? " " : "",
				   kdep_changetext(why));
	if (e < 0 || kdep_bufadd(&l->b, "", 1) < 0)
		l->err = 1;
}

int kdep_stale(struct kdep_checker *c, const char *target, const char *cmdline,
	       kdep_reasonfn fn, void *ctx)
{
	struct lines l = {target, {0}, 0};
	struct kdep_query q = {.target = target, .cmdline = cmdline};
	const char *p;
	int e;

	if (fn) {
		q.fn = line;
		q.ctx = &l;
	}
	e = kdep_check(c, &q);
	if (e == KDEP_NORECORD && fn) {
		const char *rec, *why = kdep_checker_norecord(c, &rec);

		l.b.len = 0;
		if (strcmp(why, "no record") == 0)
			e = kdep_bufprintf(&l.b, "%s: no record", target);
		else if (strcmp(why, "is unreadable") == 0)
			e = kdep_bufprintf(&l.b, "%s: %s", target,
					   kdep_errmsg());
		else
			e = kdep_bufprintf(&l.b, "%s: %s %s", target, rec,
					   why);
		if (e < 0 || kdep_bufadd(&l.b, "", 1) < 0)
			l.err = 1;
		e = KDEP_NORECORD;
	}
	if (e >= 0 && l.err)
		e = kdep_err(KDEP_ENOMEM, "out of memory");
	if (e >= 0 && fn)
		for (p = l.b.data; p && p < l.b.data + l.b.len;
		     p += strlen(p) + 1)
			fn(ctx, target, p);
	kdep_buffree(&l.b);
	return e;
}

/* ---- make's question ---- */

struct words {
	struct kdep_buf *out;
	int err;
	kdep_changefn fn; /* the caller's observer */
	void *ctx;
};

static void addword(void *ctx, const char *path, enum kdep_change why,
		    const char *detail)
{
	struct words *w = ctx;

	if (w->fn)
		w->fn(w->ctx, path, why, detail);
	if (why == KDEP_CMDLINE || !path)
		return; /* kbuild compares command lines itself */
	if ((w->out->len && kdep_bufadd(w->out, " ", 1) < 0) ||
	    kdep_bufputs(w->out, path) < 0)
		w->err = KDEP_ENOMEM;
}

/* Split newer (space-separated, as make's $?) into *v; count or < 0. */
static int split(char *s, const char ***v)
{
	size_t n = 0, cap = 16;
	const char **a = malloc(cap * sizeof(*a));
	char *p, *save = NULL;

	if (!a)
		return KDEP_ENOMEM;
	for (p = strtok_r(s, " \t\n", &save); p;
	     p = strtok_r(NULL, " \t\n", &save)) {
		if (n == cap) {
			const char **b = realloc(a, (cap *= 2) * sizeof(*a));

			if (!b) {
				free(a);
				return KDEP_ENOMEM;
			}
			a = b;
		}
		a[n++] = p;
	}
	*v = a;
	return n > (size_t)INT32_MAX ? KDEP_ENOMEM : (int)n;
}

int kdep_answer(struct kdep_checker *c, const char *target, const char *newer,
		struct kdep_buf *out, kdep_changefn fn, void *ctx)
{
	struct words w = {out, 0, fn, ctx};
	struct kdep_query q = {.target = target, .fn = addword, .ctx = &w};
	struct kdep_buf copy = {0};
	const char **v = NULL;
	int n, e;

	out->len = 0;
	if (kdep_bufputs(&copy, newer) < 0 || (n = split(copy.data, &v)) < 0) {
		e = KDEP_ENOMEM;
		goto doubt;
	}
	q.newer = v;
	q.nnewer = (size_t)n;
	e = kdep_check(c, &q);
	if (e >= 0 && w.err)
		e = w.err;
	if (e < 0)
		goto doubt;
	if (e == KDEP_NORECORD) {
		out->len = 0;
		if (kdep_bufputs(out, newer) < 0) {
			e = KDEP_ENOMEM;
			goto doubt;
		}
	}
	/* stale but nothing to name (a vanished target): name the target */
	if (e == KDEP_STALE && out->len == 0 && kdep_bufputs(out, target) < 0) {
		e = KDEP_ENOMEM;
		goto doubt;
	}
	free(v);
	kdep_buffree(&copy);
	return e;
doubt:
	/* on any doubt, rebuild: make's names, and the target's */
	out->len = 0;
	if (out->data)
		out->data[0] = '\0';
	if (*newer && (kdep_bufputs(out, newer) < 0 || kdep_bufputs(out, " ")))
		out->len = 0;
	kdep_bufputs(out, target);
	free(v);
	kdep_buffree(&copy);
	return e;
}
