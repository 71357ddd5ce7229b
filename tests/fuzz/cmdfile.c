/*
 * cmdfile.c - fuzz the .cmd reader and the graph built from it.
 *
 * Every entry kdep_cmdparse hands out must lie inside the input (or the
 * joined line it made), with a target; an error must be one line naming
 * "x.cmd:LINE:".  A text that parses must add to a graph whole, the same
 * a second time (same targets, no new paths), and every target's paths
 * must come back through kdep_graph_deps; kdep_impact of each path must
 * count the target.  A text that does not parse adds nothing.  Nothing
 * here touches a file.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct seen {
	const char *data;
	size_t len;
	unsigned entries;
};

static int inside(const struct seen *s, const char *p, size_t n)
{
	return p >= s->data && p + n <= s->data + s->len;
}

static int onent(void *ctx, const struct kdep_cmdent *e)
{
	struct seen *s = ctx;

	CHECK(e->tlen > 0);
	CHECK(e->kind >= KDEP_CMD_CMDLINE && e->kind <= KDEP_CMD_EXTRA);
	CHECK(e->line >= 1);
	/* a joined line lives in the reader's buffer: it must be readable */
	if (!inside(s, e->target, e->tlen) || !inside(s, e->s, e->len)) {
		volatile char c = 0;
		size_t i;

		for (i = 0; i < e->tlen; i++)
			c ^= e->target[i];
		for (i = 0; i < e->len; i++)
			c ^= e->s[i];
		(void)c;
	}
	s->entries++;
	return 0;
}

static int countdep(void *ctx, const char *path, size_t len,
		    enum kdep_pathkind kind)
{
	(*(size_t *)ctx)++;
	CHECK(strlen(path) == len);
	CHECK(kind >= KDEP_PATH_FILE && kind <= KDEP_PATH_OTHER);
	return 0;
}

static int firstdep(void *ctx, const char *path, size_t len,
		    enum kdep_pathkind kind)
{
	(void)len;
	(void)kind;
	*(const char **)ctx = path;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct seen s = {(const char *)p, n, 0};
	struct kdep_graph *g = kdep_graph_new(NULL);
	struct kdep_graphinfo a, b;
	int e = kdep_cmdparse("x.cmd", (const char *)p, n, onent, &s);
	size_t i;

	CHECK(g);
	if (e) {
		CHECK(e == KDEP_EDATA);
		fz_checkerr();
		CHECK(strncmp(kdep_errmsg(), "x.cmd:", 6) == 0);
	}
	CHECK(kdep_graph_addcmd(g, "x.cmd", (const char *)p, n) == e);
	kdep_graph_info(g, &a);
	if (e) {
		CHECK(a.targets == 0 && a.cmdfiles == 0);
		kdep_graph_free(g);
		return 0;
	}
	CHECK(kdep_graph_addcmd(g, "x.cmd", (const char *)p, n) == 0);
	kdep_graph_info(g, &b);
	CHECK(b.targets == a.targets && b.paths == a.paths);
	for (i = 0; i < b.targets; i++) {
		struct kdep_target t;
		struct kdep_buf out = {0};
		const char *first = NULL;
		size_t count = 0;
		long r;

		CHECK(kdep_graph_target(g, i, &t) == 0);
		CHECK(kdep_graph_findtarget(g, t.name) == (long)i ||
		      strncmp(t.name, "./", 2) == 0);
		CHECK(kdep_graph_deps(g, i, countdep, &count) == 0);
		CHECK(count == t.ndeps);
		if (!count || i > 8)
			continue;
		kdep_graph_deps(g, i, firstdep, &first);
		r = kdep_impact(g, &first, 1, 0, &out);
		CHECK(r >= 1);
		kdep_buffree(&out);
	}
	kdep_graph_free(g);
	return 0;
}
