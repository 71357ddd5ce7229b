/*
 * impact.c - what a graph answers: kdep impact (stats.c has kdep stats).
 *
 * A change to a path (or a CONFIG symbol's stamp) rebuilds every
 * target that lists it - kbuild's .cmd lists are already transitive over
 * #include - and, when such a target is itself listed by others (a
 * generated header), those too, until nothing is added.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "graph.h"

#define NONE UINT32_MAX
/* "CONFIG_": a CONFIG name's prefix */
#define PREFIXLEN (sizeof(KDEP_CONFIGPREFIX) - 1)

/* ---- JSON and text helpers ---- */

int kdep_jsonstr(struct kdep_buf *b, const char *s)
{
	if (kdep_bufadd(b, "\"", 1) < 0)
		return KDEP_ENOMEM;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int e;

		if (c == '"' || c == '\\')
			e = kdep_bufprintf(b, "\\%c", c);
		else if (c < 0x20)
			e = kdep_bufprintf(b, "\\u%04x", c);
		else
			e = kdep_bufadd(b, s, 1);
		if (e < 0)
			return KDEP_ENOMEM;
	}
	return kdep_bufadd(b, "\"", 1);
}

/* ---- names ---- */

/*
 * The id of what: a path as the .cmd files spell it, or CONFIG_NAME,
 * whose stamp is looked up in the flat and the split layout.
 */
static uint32_t resolve(const struct kdep_graph *g, const char *what)
{
	size_t n = strlen(what);
	uint32_t id;

	while (n > 2 && what[0] == '.' && what[1] == '/')
		what += 2, n -= 2;
	if ((id = kdep_graph_lookup(g, what, n)) != NONE)
		return id;
	if (kdep_startswith(what, n, KDEP_CONFIGPREFIX) &&
	    kdep_isname(what + PREFIXLEN, n - PREFIXLEN)) {
		struct kdep_buf b = {0};
		int l;

		for (l = KDEP_FLAT; id == NONE && l <= KDEP_SPLIT; l++) {
			b.len = 0;
			if (kdep_stamppath(&b, KDEP_CONFIGDIR, what + PREFIXLEN,
					   n - PREFIXLEN, (enum kdep_layout)l) == 0)
				id = kdep_graph_lookup(g, b.data, b.len);
		}
		kdep_buffree(&b);
	}
	return id;
}

/* ---- impact ---- */

struct hitctx {
	const uint8_t *hit;
};

static int anyhit(void *ctx, uint32_t id)
{
	return ((struct hitctx *)ctx)->hit[id];
}

static const struct kdep_graph *sortg;

static int cmptarget(const void *a, const void *b)
{
	const struct kdep_graph *g = sortg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return strcmp(g->nodes[g->targets[x].id].s, g->nodes[g->targets[y].id].s);
}

static int impactout(const struct kdep_graph *g, const char *const *what,
		     size_t n, const uint32_t *res, size_t nres, int flags,
		     struct kdep_buf *out)
{
	size_t i;
	int e = 0;

	if (!(flags & KDEP_OUT_JSON)) {
		for (i = 0; e == 0 && !(flags & KDEP_OUT_COUNT) && i < nres; i++)
			e = kdep_bufprintf(out, "%s\n",
					   g->nodes[g->targets[res[i]].id].s);
		if (e == 0)
			e = (flags & KDEP_OUT_COUNT)
				    ? kdep_bufprintf(out, "%zu\n", nres)
				    : kdep_bufprintf(out, "%zu target%s\n", nres,
						     nres == 1 ? "" : "s");
		return e < 0 ? KDEP_ENOMEM : 0;
	}
	e = kdep_bufputs(out, "{\"changed\": [");
	for (i = 0; e == 0 && i < n; i++)
		e = (i ? kdep_bufputs(out, ", ") : 0) ||
		    kdep_jsonstr(out, what[i]);
	if (e == 0)
		e = kdep_bufprintf(out, "], \"count\": %zu", nres);
	if (e == 0 && !(flags & KDEP_OUT_COUNT)) {
		e = kdep_bufputs(out, ", \"targets\": [");
		for (i = 0; e == 0 && i < nres; i++)
			e = (i ? kdep_bufputs(out, ",\n  ") : kdep_bufputs(out, "\n  ")) ||
			    kdep_jsonstr(out, g->nodes[g->targets[res[i]].id].s);
		if (e == 0)
			e = kdep_bufputs(out, nres ? "\n]" : "]");
	}
	if (e == 0)
		e = kdep_bufputs(out, "}\n");
	return e ? KDEP_ENOMEM : 0;
}

long kdep_impact(struct kdep_graph *g, const char *const *what, size_t n,
		 int flags, struct kdep_buf *out)
{
	uint8_t *hit = calloc(g->n ? g->n : 1, 1);
	uint8_t *done = calloc(g->ntargets ? g->ntargets : 1, 1);
	uint32_t *res = malloc((g->ntargets ? g->ntargets : 1) * sizeof(*res));
	struct hitctx h = {hit};
	size_t nres = 0, i, t;
	int more = 1, e = 0;

	if (!hit || !done || !res) {
		e = kdep_err(KDEP_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		uint32_t id = resolve(g, what[i]);

		if (id == NONE || (!g->nodes[id].used &&
				   g->nodes[id].target == NONE)) {
			e = kdep_err(KDEP_EDATA, "%s: no .cmd file lists it",
				     what[i]);
			goto out;
		}
		hit[id] = 1;
	}
	/* a pass per level: generated files listed by others are rare */
	while (more) {
		more = 0;
		for (t = 0; t < g->ntargets; t++) {
			if (done[t] || !kdep_graph_each(g, t, anyhit, &h))
				continue;
			done[t] = 1;
			res[nres++] = (uint32_t)t;
			if (!hit[g->targets[t].id])
				more = hit[g->targets[t].id] = 1;
		}
	}
	sortg = g;
	qsort(res, nres, sizeof(*res), cmptarget);
	e = impactout(g, what, n, res, nres, flags, out);
out:
	free(hit);
	free(done);
	free(res);
	return e < 0 ? e : (long)nres;
}
