/*
 * why.c - kdep why: why a target would be rebuilt now.
 *
 * The target's .cmd file (dir/.name.cmd) says what it was built from.
 * When the target has a content-hash record (record.c) the record
 * decides, through kdep_stale() and its reasons, checked against the
 * command line the .cmd file holds.  Without one, the answer is what make
 * decides from mtimes with the rules the .cmd file sets up:
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

/* make's decision, from mtimes. */
static int bymtime(struct whyctx *w, kdep_reasonfn fn, void *ctx)
{
	struct stat t, st;
	const char *p = w->deps.data, *end = p + w->deps.len;
	int stale = 0;

	if (stat(w->target, &t) < 0)
		return say(fn, ctx, w->target, NULL, "missing");
	for (; p < end; p += strlen(p) + 1) {
		int wild = *p++ == 'w';

		if (stat(p, &st) < 0) {
			if (!wild)
				stale = say(fn, ctx, w->target, p,
					    "is missing (make takes it as "
					    "remade)");
			continue;
		}
		if (kdep_before(&t.st_mtim, &st.st_mtim))
			stale = say(fn, ctx, w->target, p,
				    wild ? "is newer (stamp: its config or "
					   "symbol changed)"
					 : "is newer");
	}
	return stale;
}

int kdep_why(struct kdep_checker *c, const char *target, kdep_reasonfn fn,
	     void *ctx, const char **how)
{
	struct whyctx w = {.target = target, .tlen = strlen(target)};
	struct kdep_buf path = {0}, text = {0};
	struct stat st;
	int e;

	*how = "mtime";
	if ((e = cmdpath(&path, target)) < 0 ||
	    (e = kdep_readfile(path.data, &text, NULL)) < 0 ||
	    (e = kdep_cmdparse(path.data, text.data, text.len, oncmd, &w)) < 0)
		goto out;
	if (!w.hascmd && w.deps.len == 0) {
		e = kdep_err(KDEP_EDATA, "%s: %s says nothing about it",
			     target, path.data);
		goto out;
	}
	path.len = 0;
	if ((e = kdep_recordpath(&path, target)) < 0)
		goto out;
	if (stat(path.data, &st) == 0) {
		*how = "record";
		e = kdep_stale(c, target, w.hascmd ? w.cmdline.data : NULL, fn,
			       ctx);
	} else if (errno == ENOENT) {
		e = bymtime(&w, fn, ctx);
	} else {
		e = kdep_errno(KDEP_EIO, "cannot stat %s", path.data);
	}
out:
	kdep_buffree(&path);
	kdep_buffree(&text);
	kdep_buffree(&w.cmdline);
	kdep_buffree(&w.deps);
	return e;
}
