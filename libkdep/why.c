/*
 * why.c - kdep why: why a target would be rebuilt now.
 *
 * The target's .cmd file (dir/.name.cmd) says what it was built from.
 * When the target has a usable content-hash record (check.c) the record
 * decides, through kdep_check(): it is given the command line the .cmd
 * file holds and what make would find newer, so that a newer file the
 * record does not know is a new prerequisite.  Without one (none,
 * corrupt, older than the target), the answer is what make decides from
 * mtimes with the rules the .cmd file sets up:
 *   - a missing target is rebuilt;
 *   - a listed file newer than the target rebuilds it (make compares
 *     whole timestamps: strictly newer);
 *   - a listed file that is missing rebuilds it too: "$(deps_T):" gives
 *     it an empty rule, and make takes a file with no recipe that does not
 *     exist as just remade;
 *   - a $(wildcard) stamp counts only if it exists, then as a file.
 * make would also rebuild when the command line it computes now differs
 * from the .cmd file's (if_changed); only make knows that one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct whyctx {
	const char *target;
	size_t tlen;
	struct kdep_buf cmdline;
	int hascmd;
	/* the prerequisites, each NUL-terminated, a kind byte in front */
	struct kdep_buf deps;
};

static int oncmd(void *ctx, const struct kdep_cmdent *e)
{
	struct whyctx *w = ctx;
	char k;

	if (e->tlen != w->tlen || memcmp(e->target, w->target, e->tlen) != 0)
		return 0; /* another target's lines */
	if (e->kind == KDEP_CMD_CMDLINE) {
		w->cmdline.len = 0;
		w->hascmd = 1;
		return kdep_bufadd(&w->cmdline, e->s, e->len);
	}
	k = e->kind == KDEP_CMD_STAMP || e->kind == KDEP_CMD_KSYM ||
			    e->wildcard
		    ? 'w'
		    : 'f';
	if (kdep_bufadd(&w->deps, &k, 1) < 0 ||
	    kdep_bufadd(&w->deps, e->s, e->len) < 0 ||
	    kdep_bufadd(&w->deps, "", 1) < 0)
		return KDEP_ENOMEM;
	return 0;
}

/* The .cmd file of target: "dir/foo.o" -> "dir/.foo.o.cmd". */
static int cmdpath(struct kdep_buf *b, const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dir = slash ? (size_t)(slash - target) + 1 : 0;

	if (kdep_bufadd(b, target, dir) < 0 || kdep_bufadd(b, ".", 1) < 0 ||
	    kdep_bufputs(b, target + dir) < 0 || kdep_bufputs(b, ".cmd") < 0)
		return KDEP_ENOMEM;
	return 0;
}

static int say(kdep_reasonfn fn, void *ctx, const char *target,
	       const char *path, const char *what)
{
	struct kdep_buf b = {0};

	if (fn && kdep_bufprintf(&b, "%s: %s%s%s", target, path ? path : "",
				 path ? " " : "", what) == 0)
		fn(ctx, target, b.data);
	kdep_buffree(&b);
	return 1;
}

/*
 * make's decision, from mtimes: the names it would find newer (or
 * missing) go to newer, each NUL-terminated; with tell, also as reasons.
 * 1 if make would rebuild.
 */
static int bymtime(struct whyctx *w, struct kdep_buf *newer, int tell,
		   kdep_reasonfn fn, void *ctx)
{
	struct stat t, st;
	const char *p = w->deps.data, *end = p + w->deps.len;
	int stale = 0;

	if (stat(w->target, &t) < 0)
		return tell ? say(fn, ctx, w->target, NULL, "missing") : 1;
	for (; p < end; p += strlen(p) + 1) {
		int wild = *p++ == 'w';
		const char *what = NULL;

		if (stat(p, &st) < 0)
			what = wild ? NULL : "is missing (make takes it as remade)";
		else if (kdep_before(&t.st_mtim, &st.st_mtim))
			what = wild ? "is newer (stamp: its config or symbol "
				      "changed)"
				    : "is newer";
		if (!what)
			continue;
		stale = 1;
		if (kdep_bufadd(newer, p, strlen(p) + 1) < 0)
			return KDEP_ENOMEM;
		if (tell)
			say(fn, ctx, w->target, p, what);
	}
	return stale;
}

/* The record's changes as reasons, named as kdep why documents them. */
struct told {
	const char *target;
	kdep_reasonfn fn;
	void *ctx;
};

static void onchange(void *ctx, const char *path, enum kdep_change why,
		     const char *detail)
{
	static const char *const text[] = {
		[KDEP_CHANGED] = "content changed",
		[KDEP_APPEARED] = "appeared",
		[KDEP_VANISHED] = "disappeared",
		[KDEP_UNSURE] = "may have changed while it was built",
		[KDEP_CONFIG] = "config value changed",
		[KDEP_NOCONFIG] = "cannot be read",
		[KDEP_UNRECORDED] = ("is a new prerequisite (newer, not in "
				     "the record)"),
		[KDEP_CMDLINE] = "command line changed",
		[KDEP_MISSING] = "missing",
	};
	struct told *t = ctx;
	struct kdep_buf b = {0};
	const char *what = (unsigned)why < sizeof(text) / sizeof(text[0]) &&
					   text[why]
				   ? text[why]
				   : kdep_changetext(why);

	if (why == KDEP_MISSING)
		path = NULL;
	if (kdep_bufprintf(&b, "%s%s%s%s%s", path ? path : "", path ? " " : "",
			   what, detail ? ": " : "", detail ? detail : "") == 0)
		say(t->fn, t->ctx, t->target, NULL, b.data);
	kdep_buffree(&b);
}

/* "target: no record" (or "...: RECORD is corrupt") minus "target: ". */
struct nrctx {
	size_t skip;
	struct kdep_buf *how;
	int e;
};

static void onnorecord(void *ctx, const char *target, const char *reason)
{
	struct nrctx *n = ctx;

	(void)target;
	if (strlen(reason) > n->skip)
		n->e = kdep_bufputs(n->how, reason + n->skip);
}

/*
 * how = "mtime: WHY THERE IS NO USABLE RECORD", as kdep_stale tells it
 * (kdep_check keeps it to itself); a second look that stops at once.
 */
static int norecord(struct kdep_checker *c, struct whyctx *w,
		    struct kdep_buf *how)
{
	struct nrctx n = {w->tlen + 2, how, 0};
	int e;

	how->len = 0;
	if (kdep_bufputs(how, "mtime: ") < 0)
		return KDEP_ENOMEM;
	e = kdep_stale(c, w->target, NULL, onnorecord, &n);
	return e < 0 ? e : n.e;
}

/* kdep_check with make's newer names; a kdep_verdict or < 0. */
static int check(struct kdep_checker *c, struct whyctx *w,
		 struct kdep_buf *newer, kdep_reasonfn fn, void *ctx)
{
	struct told t = {w->target, fn, ctx};
	struct kdep_query q = {.target = w->target};
	const char **v = NULL, *p;
	size_t n = 0;
	int e;

	for (p = newer->data; p && p < newer->data + newer->len;
	     p += strlen(p) + 1)
		n++;
	if (n && !(v = malloc(n * sizeof(*v))))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (n = 0, p = newer->data; p && p < newer->data + newer->len;
	     p += strlen(p) + 1)
		v[n++] = p;
	q.cmdline = w->hascmd ? w->cmdline.data : NULL;
	q.newer = v;
	q.nnewer = n;
	q.fn = fn ? onchange : NULL;
	q.ctx = &t;
	e = kdep_check(c, &q);
	free(v);
	return e;
}

int kdep_why(struct kdep_checker *c, const char *target, kdep_reasonfn fn,
	     void *ctx, struct kdep_buf *how)
{
	struct whyctx w = {.target = target, .tlen = strlen(target)};
	struct kdep_buf path = {0}, text = {0}, newer = {0};
	struct stat st;
	int e;

	how->len = 0;
	if ((e = kdep_bufputs(how, "mtime")) < 0 || (e = cmdpath(&path, target)) < 0 ||
	    (e = kdep_readfile(path.data, &text, NULL)) < 0 ||
	    (e = kdep_cmdparse(path.data, text.data, text.len, oncmd, &w)) < 0)
		goto out;
	if (!w.hascmd && w.deps.len == 0) {
		e = kdep_err(KDEP_EDATA, "%s: %s says nothing about it",
			     target, path.data);
		goto out;
	}
	/* a missing target is rebuilt whoever decides: make's words */
	if (stat(target, &st) < 0) {
		e = say(fn, ctx, target, NULL, "missing");
		goto out;
	}
	/* make's answer first: the record judges what make finds newer */
	if ((e = bymtime(&w, &newer, 0, NULL, NULL)) < 0)
		goto out;
	how->len = 0;
	if ((e = kdep_bufputs(how, "record")) < 0) /* before any reason */
		goto out;
	if ((e = check(c, &w, &newer, fn, ctx)) != KDEP_NORECORD) {
		if (e == KDEP_STALE)
			e = 1;
		goto out;
	}
	if ((e = norecord(c, &w, how)) < 0)
		goto out;
	newer.len = 0;
	e = bymtime(&w, &newer, 1, fn, ctx);
out:
	kdep_buffree(&path);
	kdep_buffree(&text);
	kdep_buffree(&w.cmdline);
	kdep_buffree(&w.deps);
	kdep_buffree(&newer);
	return e;
}
