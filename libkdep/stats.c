/*
 * stats.c - kdep stats and the figures of kdep report: how much a build
 * reads, and what costs most.
 *
 * "Objects" are the targets with a source_ or deps_ list (compiles), the
 * rest are link and copy steps.  A header is a file some deps_ lists that
 * is no target's source.  Bytes are file sizes as they are now,
 * stat()ed once per path; a header's cost is fan-in x size (the bytes of
 * it the whole build reads), its rebuild figure the bytes the compiles
 * that list it read in all (what one edit to it makes the compiler read
 * again).  Percentiles are nearest-rank.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "graph.h"

#define NONE UINT32_MAX
/* "include/config/", the folder of config stamps */
#define DIRLEN sizeof(KDEP_CONFIGDIR)

/*
 * The CONFIG_ name of a config stamp path: include/config/FOO_BAR (flat)
 * or include/config/foo/bar.h (split, read back upper-cased with '_'
 * for '/', which is how kconfig made it).  Appended to b, NUL included.
 */
static int configname(struct kdep_buf *b, const char *path, size_t len)
{
	const char *s = path + DIRLEN;
	size_t n = len - DIRLEN, i;
	int split = n > 2 && kdep_endswith(s, n, ".h");

	if (split)
		n -= 2;
	if (kdep_bufputs(b, KDEP_CONFIGPREFIX) < 0)
		return KDEP_ENOMEM;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (split && c == '/')
			c = '_';
		else if (split && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (kdep_bufadd(b, &c, 1) < 0)
			return KDEP_ENOMEM;
	}
	return kdep_bufadd(b, "", 1);
}

struct acc {
	struct kdep_graph *g;
	const uint64_t *size;
	uint32_t *fanin;
	uint64_t *rebuild;
	uint32_t source;
	size_t hdrs;
	uint64_t bytes, total; /* headers; this object's total input */
};

static int count(void *ctx, uint32_t id)
{
	struct acc *a = ctx;
	const struct gnode *x = &a->g->nodes[id];

	a->fanin[id]++;
	if (x->kind == KDEP_PATH_FILE && id != a->source) {
		a->hdrs++;
		a->bytes += a->size[id];
	}
	return 0;
}

static int addrebuild(void *ctx, uint32_t id)
{
	struct acc *a = ctx;

	a->rebuild[id] += a->total;
	return 0;
}

static int filesizes(struct kdep_graph *g, uint64_t *size)
{
	struct kdep_buf p = {0};
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct gnode *x = &g->nodes[i];
		struct stat st;

		size[i] = 0;
		if (!x->used || x->kind != KDEP_PATH_FILE)
			continue;
		p.len = 0;
		if ((g->root[0] && x->s[0] != '/' &&
		     kdep_bufprintf(&p, "%s/", g->root) < 0) ||
		    kdep_bufadd(&p, x->s, x->len) < 0) {
			kdep_buffree(&p);
			return KDEP_ENOMEM;
		}
		if (stat(p.data, &st) == 0 && S_ISREG(st.st_mode))
			size[i] = (uint64_t)st.st_size;
	}
	kdep_buffree(&p);
	return 0;
}

static int cmpsize(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Descending by the first key, then the second, then by name. */
static int cmprow(uint64_t a1, uint64_t b1, uint64_t a2, uint64_t b2,
		  const char *an, const char *bn)
{
	if (a1 != b1)
		return a1 > b1 ? -1 : 1;
	if (a2 != b2)
		return a2 > b2 ? -1 : 1;
	return strcmp(an, bn);
}

static int bycost(const void *a, const void *b)
{
	const struct kdep_statrow *x = a, *y = b;

	return cmprow(x->cost, y->cost, x->n, y->n, x->name, y->name);
}

static int byn(const void *a, const void *b)
{
	const struct kdep_statrow *x = a, *y = b;

	return cmprow(x->n, y->n, x->size, y->size, x->name, y->name);
}

static size_t rank(size_t n, unsigned pct)
{
	size_t r = (n * pct + 99) / 100;

	return r ? r - 1 : 0;
}

/* A bin width of 1, 2 or 5 times a power of ten: some 25 bins. */
static size_t binwidth(size_t max)
{
	size_t w = 1;

	for (;;) {
		if (max / w < 25)
			return w;
		if (max / (w * 2) < 25)
			return w * 2;
		if (max / (w * 5) < 25)
			return w * 5;
		w *= 10;
	}
}

static int rows(struct kdep_graph *g, struct kdep_stats *st,
		const uint64_t *size, const uint32_t *fanin,
		const uint64_t *rebuild)
{
	size_t i, nh = 0, nc = 0, k;
	size_t *cfgoff = NULL;

	for (i = 0; i < g->n; i++) {
		const struct gnode *x = &g->nodes[i];

		if (!fanin[i])
			continue;
		if (x->kind == KDEP_PATH_FILE && x->dep && !x->source)
			nh++;
		else if (x->kind == KDEP_PATH_CONFIG)
			nc++;
	}
	st->headers = st->nheaders = nh;
	st->configs = st->nconfigs = nc;
	st->bycost = calloc(nh ? nh : 1, sizeof(*st->bycost));
	st->byfanin = calloc(nh ? nh : 1, sizeof(*st->byfanin));
	st->configrows = calloc(nc ? nc : 1, sizeof(*st->configrows));
	cfgoff = calloc(nc ? nc : 1, sizeof(*cfgoff));
	if (!st->bycost || !st->byfanin || !st->configrows || !cfgoff) {
		free(cfgoff);
		return kdep_err(KDEP_ENOMEM, "out of memory");
	}
	for (i = 0, nh = nc = 0; i < g->n; i++) {
		const struct gnode *x = &g->nodes[i];

		if (!fanin[i])
			continue;
		if (x->kind == KDEP_PATH_FILE && x->dep && !x->source) {
			struct kdep_statrow *r = &st->bycost[nh++];

			r->name = x->s;
			r->n = fanin[i];
			r->size = size[i];
			r->cost = (uint64_t)fanin[i] * size[i];
			r->rebuild = rebuild[i];
		} else if (x->kind == KDEP_PATH_CONFIG) {
			cfgoff[nc] = st->names.len;
			st->configrows[nc++].n = fanin[i];
			if (configname(&st->names, x->s, x->len) < 0) {
				free(cfgoff);
				return KDEP_ENOMEM;
			}
		}
	}
	/* names move while the buffer grows: point at them once it is done */
	for (k = 0; k < nc; k++)
		st->configrows[k].name = st->names.data + cfgoff[k];
	free(cfgoff);
	memcpy(st->byfanin, st->bycost, nh * sizeof(*st->bycost));
	qsort(st->bycost, nh, sizeof(*st->bycost), bycost);
	qsort(st->byfanin, nh, sizeof(*st->byfanin), byn);
	qsort(st->configrows, nc, sizeof(*st->configrows), byn);
	return 0;
}

static int objects(struct kdep_graph *g, struct kdep_stats *st,
		   struct acc *a)
{
	size_t t, no = 0;
	size_t *hdrs;
	uint64_t *bytes;

	for (t = 0; t < g->ntargets; t++)
		no += g->targets[t].hasdeps;
	st->objects = st->nobjects = no;
	st->objectrows = calloc(no ? no : 1, sizeof(*st->objectrows));
	hdrs = calloc(no ? no : 1, sizeof(*hdrs));
	bytes = calloc(no ? no : 1, sizeof(*bytes));
	if (!st->objectrows || !hdrs || !bytes) {
		free(hdrs);
		free(bytes);
		return kdep_err(KDEP_ENOMEM, "out of memory");
	}
	for (t = 0, no = 0; t < g->ntargets; t++) {
		const struct gtarget *x = &g->targets[t];
		struct kdep_statrow *r;
		uint64_t src;

		if (!x->hasdeps)
			continue;
		a->source = x->source;
		a->hdrs = 0;
		a->bytes = 0;
		kdep_graph_each(g, t, count, a);
		src = x->source == NONE ? 0 : a->size[x->source];
		a->total = a->bytes + src;
		kdep_graph_each(g, t, addrebuild, a);
		r = &st->objectrows[no];
		r->name = g->nodes[x->id].s;
		r->n = a->hdrs;
		r->size = a->bytes;
		r->cost = a->total;
		hdrs[no] = a->hdrs;
		bytes[no++] = a->bytes;
		st->hdrbytes += a->bytes;
		st->srcbytes += src;
	}
	st->allbytes = st->hdrbytes + st->srcbytes;
	qsort(hdrs, no, sizeof(*hdrs), cmpsize);
	qsort(bytes, no, sizeof(*bytes), cmpu64);
	if (no) {
		size_t i;

		st->hdrmed = hdrs[rank(no, 50)];
		st->hdrp90 = hdrs[rank(no, 90)];
		st->hdrmax = hdrs[no - 1];
		st->bytesmed = bytes[rank(no, 50)];
		st->bytesp90 = bytes[rank(no, 90)];
		st->bytesmax = bytes[no - 1];
		st->histwidth = binwidth(st->hdrmax);
		st->nhist = st->hdrmax / st->histwidth + 1;
		if (!(st->hist = calloc(st->nhist, sizeof(*st->hist)))) {
			free(hdrs);
			free(bytes);
			return kdep_err(KDEP_ENOMEM, "out of memory");
		}
		for (i = 0; i < no; i++)
			st->hist[hdrs[i] / st->histwidth]++;
	}
	free(hdrs);
	free(bytes);
	qsort(st->objectrows, no, sizeof(*st->objectrows), byn);
	return 0;
}

int kdep_stats(struct kdep_graph *g, struct kdep_stats *st)
{
	struct acc a = {.g = g};
	uint64_t *size = calloc(g->n ? g->n : 1, sizeof(*size));
	int e;

	memset(st, 0, sizeof(*st));
	kdep_graph_info(g, &st->info);
	a.fanin = calloc(g->n ? g->n : 1, sizeof(*a.fanin));
	a.rebuild = calloc(g->n ? g->n : 1, sizeof(*a.rebuild));
	a.size = size;
	if (!size || !a.fanin || !a.rebuild)
		e = kdep_err(KDEP_ENOMEM, "out of memory");
	else if ((e = filesizes(g, size)) == 0 &&
		 (e = objects(g, st, &a)) == 0)
		e = rows(g, st, size, a.fanin, a.rebuild);
	free(size);
	free(a.fanin);
	free(a.rebuild);
	if (e < 0)
		kdep_stats_free(st);
	return e;
}

void kdep_stats_free(struct kdep_stats *st)
{
	free(st->bycost);
	free(st->byfanin);
	free(st->configrows);
	free(st->objectrows);
	free(st->hist);
	kdep_buffree(&st->names);
	memset(st, 0, sizeof(*st));
}

/* ---- printing ---- */

/*
 * n bytes as B, KB, MB or GB (1024s), three significant digits or so;
 * sep goes between number and unit (" " for text, "&nbsp;" for HTML).
 */
int kdep_humanbytes(struct kdep_buf *b, uint64_t n, const char *sep)
{
	static const char *const unit[] = {"B", "KB", "MB", "GB", "TB"};
	double v = (double)n;
	int u = 0;

	while (v >= 1000 && u < 4)
		v /= 1024, u++;
	if (u == 0)
		return kdep_bufprintf(b, "%" PRIu64 "%sB", n, sep);
	return kdep_bufprintf(b, v < 10 ? "%.2f%s%s" : v < 100 ? "%.1f%s%s" : "%.0f%s%s", v, sep, unit[u]);
}

static int human(struct kdep_buf *b, uint64_t n)
{
	return kdep_humanbytes(b, n, " ");
}

static int hdrtable(struct kdep_buf *b, const char *title,
		    const struct kdep_statrow *r, size_t n, size_t top)
{
	size_t i;
	int e;

	e = kdep_bufprintf(b, "\n%s\n%8s %10s %12s %12s  %s\n", title,
			   "fan-in", "bytes", "fan-in*size", "rebuild", "header");
	for (i = 0; e == 0 && i < n && i < top; i++)
		e = kdep_bufprintf(b,
				   "%8zu %10" PRIu64 " %12" PRIu64
				   " %12" PRIu64 "  %s\n",
				   r[i].n, r[i].size, r[i].cost, r[i].rebuild,
				   r[i].name);
	return e;
}

static int text(const struct kdep_stats *st, size_t top, struct kdep_buf *b)
{
	size_t i;
	int e = 0;

	e |= kdep_bufprintf(b,
			    "%zu .cmd files (%" PRIu64 " bytes), %zu skipped; "
			    "%zu targets, %zu objects\n"
			    "%zu distinct headers, %zu CONFIG symbols, %zu "
			    "dependencies\n\n",
			    st->info.cmdfiles, st->info.cmdbytes,
			    st->info.skipped, st->info.targets, st->objects,
			    st->headers, st->configs, st->info.edges);
	e |= kdep_bufprintf(b, "%-24s %12s %12s %12s\n", "per object", "median",
			    "p90", "max");
	e |= kdep_bufprintf(b, "%-24s %12zu %12zu %12zu\n", "headers",
			    st->hdrmed, st->hdrp90, st->hdrmax);
	e |= kdep_bufprintf(b,
			    "%-24s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
			    "\n",
			    "header bytes read", st->bytesmed, st->bytesp90,
			    st->bytesmax);
	e |= kdep_bufputs(b, "\nwhole build: ");
	e |= human(b, st->hdrbytes);
	e |= kdep_bufputs(b, " of headers read, ");
	e |= human(b, st->srcbytes);
	e |= kdep_bufputs(b, " of sources (");
	e |= human(b, st->allbytes);
	e |= kdep_bufputs(b, " in all)\n");
	e |= hdrtable(b, "top headers by fan-in x size (what a one-line edit "
			 "costs; rebuild: bytes the users read)",
		      st->bycost, st->nheaders, top);
	e |= hdrtable(b, "top headers by fan-in", st->byfanin, st->nheaders,
		      top);
	e |= kdep_bufprintf(b, "\ntop CONFIG symbols by users\n%8s  %s\n",
			    "users", "symbol");
	for (i = 0; i < st->nconfigs && i < top; i++)
		e |= kdep_bufprintf(b, "%8zu  %s\n", st->configrows[i].n,
				    st->configrows[i].name);
	e |= kdep_bufprintf(b, "\nobjects with the most headers\n%8s %12s  %s\n",
			    "headers", "bytes", "object");
	for (i = 0; i < st->nobjects && i < top; i++)
		e |= kdep_bufprintf(b, "%8zu %12" PRIu64 "  %s\n",
				    st->objectrows[i].n, st->objectrows[i].size,
				    st->objectrows[i].name);
	return e ? KDEP_ENOMEM : 0;
}

static int jsonrows(struct kdep_buf *b, const char *key,
		    const struct kdep_statrow *r, size_t n, size_t top,
		    int kind)
{
	size_t i;
	int e = kdep_bufprintf(b, ",\n \"%s\": [", key);

	for (i = 0; i < n && i < top; i++) {
		e |= kdep_bufputs(b, i ? ",\n  {" : "\n  {");
		e |= kdep_bufputs(b, kind == 1 ? "\"name\": " : "\"path\": ");
		e |= kdep_jsonstr(b, r[i].name);
		if (kind == 0)
			e |= kdep_bufprintf(b,
					    ", \"fanin\": %zu, \"size\": %" PRIu64
					    ", \"cost\": %" PRIu64
					    ", \"rebuild\": %" PRIu64 "}",
					    r[i].n, r[i].size, r[i].cost,
					    r[i].rebuild);
		else if (kind == 1)
			e |= kdep_bufprintf(b, ", \"users\": %zu}", r[i].n);
		else
			e |= kdep_bufprintf(b,
					    ", \"headers\": %zu, \"bytes\": %" PRIu64
					    "}",
					    r[i].n, r[i].size);
	}
	e |= kdep_bufputs(b, n && top ? "\n ]" : "]");
	return e;
}

static int json(const struct kdep_stats *st, size_t top, struct kdep_buf *b)
{
	size_t i;
	int e = 0;

	e |= kdep_bufprintf(
		b,
		"{\"cmdfiles\": %zu, \"skipped\": %zu, \"cmdbytes\": %" PRIu64
		",\n \"targets\": %zu, \"objects\": %zu, \"headers\": %zu, "
		"\"configs\": %zu, \"dependencies\": %zu,\n"
		" \"headers_per_object\": {\"median\": %zu, \"p90\": %zu, "
		"\"max\": %zu},\n"
		" \"header_bytes_per_object\": {\"median\": %" PRIu64
		", \"p90\": %" PRIu64 ", \"max\": %" PRIu64 "},\n"
		" \"build_bytes\": {\"headers\": %" PRIu64 ", \"sources\": %" PRIu64
		", \"all\": %" PRIu64 "},\n"
		" \"histogram\": {\"width\": %zu, \"counts\": [",
		st->info.cmdfiles, st->info.skipped, st->info.cmdbytes,
		st->info.targets, st->objects, st->headers, st->configs,
		st->info.edges, st->hdrmed, st->hdrp90, st->hdrmax,
		st->bytesmed, st->bytesp90, st->bytesmax, st->hdrbytes,
		st->srcbytes, st->allbytes, st->histwidth);
	for (i = 0; i < st->nhist; i++)
		e |= kdep_bufprintf(b, "%s%zu", i ? ", " : "", st->hist[i]);
	e |= kdep_bufputs(b, "]}");
	e |= jsonrows(b, "top_cost", st->bycost, st->nheaders, top, 0);
	e |= jsonrows(b, "top_fanin", st->byfanin, st->nheaders, top, 0);
	e |= jsonrows(b, "top_configs", st->configrows, st->nconfigs, top, 1);
	e |= jsonrows(b, "top_objects", st->objectrows, st->nobjects, top, 2);
	e |= kdep_bufputs(b, "\n}\n");
	return e ? KDEP_ENOMEM : 0;
}

int kdep_stats_print(const struct kdep_stats *st, size_t top, int flags,
		     struct kdep_buf *out)
{
	if (flags & KDEP_OUT_JSON)
		return json(st, top, out);
	return text(st, top, out);
}
