/*
 * graph.c - a build's dependency graph, read from its .cmd files.
 *
 * Every path is kept once (interned) and known by an integer id, in the
 * order first seen; a target keeps the ids it depends on.  An
 * allmodconfig build lists some 20 million target -> path pairs, so
 * edges are packed: each target's ids, in the order listed and each once,
 * as the zigzag varint of the difference from the previous id.  Files
 * are listed in include order, and ids are handed out in the same order,
 * so most differences are small and take one byte: the graph stays a
 * few percent of the .cmd text it came from.  Nothing is stat()ed while
 * loading; sizes are the queries' business (stats.c).
 *
 * Paths are kept as the .cmd files spell them, relative to the build
 * folder (the root), but for a leading "./", which make ignores too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "graph.h"

#define NONE UINT32_MAX

/* ---- the path table ---- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

static char *keep(struct kdep_graph *g, const char *s, size_t n)
{
	struct chunk *c = g->chunks;
	char *p;

	if (!c || c->size - c->used < n + 1) {
		size_t size = n + 1 > 65536 ? n + 1 : 65536;

		if (!(c = malloc(sizeof(*c) + size)))
			return NULL;
		c->next = g->chunks;
		c->size = size;
		c->used = 0;
		g->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

/*
 * The table holds, per slot, a path's hash in the high 32 bits and its
 * id + 1 in the low ones (0: empty): a probe compares hashes without
 * touching the node or its string, which are cache misses.
 */
static int rehash(struct kdep_graph *g)
{
	size_t cap = g->tabcap ? g->tabcap * 2 : 1024, i, j;
	uint64_t *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (i = 0; i < g->n; i++) {
		uint32_t h = g->nodes[i].hash;

		for (j = h & (cap - 1); tab[j]; j = (j + 1) & (cap - 1))
			;
		tab[j] = (uint64_t)h << 32 | (uint32_t)(i + 1);
	}
	free(g->tab);
	g->tab = tab;
	g->tabcap = cap;
	return 0;
}

/* The id of s[0..n) with hash h, or NONE; *slot: where it is or goes. */
static uint32_t probe(const struct kdep_graph *g, const char *s, size_t n,
		      uint32_t h, size_t *slot)
{
	size_t j, mask = g->tabcap - 1;

	for (j = h & mask; g->tab[j]; j = (j + 1) & mask) {
		uint64_t v = g->tab[j];
		const struct gnode *x;

		if ((uint32_t)(v >> 32) != h)
			continue;
		x = &g->nodes[(uint32_t)v - 1];
		if (x->len == n && memcmp(x->s, s, n) == 0)
			return (uint32_t)v - 1;
	}
	*slot = j;
	return NONE;
}

uint32_t kdep_graph_lookup(const struct kdep_graph *g, const char *s,
			   size_t n)
{
	size_t slot;

	if (!g->tabcap)
		return NONE;
	return probe(g, s, n, (uint32_t)kdep_quickhash(s, n, 0), &slot);
}

/* The id of s[0..n), added if new; NONE when out of memory. */
static uint32_t intern(struct kdep_graph *g, const char *s, size_t n)
{
	uint32_t h, id;
	size_t slot = 0;

	while (n > 2 && s[0] == '.' && s[1] == '/')
		s += 2, n -= 2;
	if (n > UINT32_MAX / 2 || g->n >= UINT32_MAX / 4)
		return NONE;
	h = (uint32_t)kdep_quickhash(s, n, 0);
	if (g->tabcap && (id = probe(g, s, n, h, &slot)) != NONE)
		return id;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		struct gnode *v = realloc(g->nodes, cap * sizeof(*v));
		uint32_t *m;

		if (!v)
			return NONE;
		g->nodes = v;
		if (!(m = realloc(g->mark, cap * sizeof(*m))))
			return NONE;
		g->mark = m;
		if (!(m = realloc(g->next, cap * sizeof(*m))))
			return NONE;
		g->next = m;
		g->cap = cap;
	}
	id = (uint32_t)g->n;
	memset(&g->nodes[id], 0, sizeof(g->nodes[id]));
	if (!(g->nodes[id].s = keep(g, s, n)))
		return NONE;
	g->nodes[id].len = (uint32_t)n;
	g->nodes[id].hash = h;
	g->nodes[id].target = NONE;
	g->mark[id] = NONE;
	g->next[id] = NONE;
	g->n++;
	if (g->n * 2 > g->tabcap) {
		if (rehash(g) < 0)
			return NONE;
	} else {
		g->tab[slot] = (uint64_t)h << 32 | (uint32_t)(id + 1);
	}
	return id;
}

/*
 * The id of s[0..n) listed right after id *prev: objects list headers in
 * include order, nearly the same from one object to the next, so the
 * path that followed *prev last time is tried first, without hashing.
 */
static uint32_t internafter(struct kdep_graph *g, const char *s, size_t n,
			    uint32_t *prev)
{
	uint32_t id = *prev != NONE ? g->next[*prev] : NONE;

	if (id == NONE || g->nodes[id].len != n ||
	    memcmp(g->nodes[id].s, s, n) != 0) {
		if ((id = intern(g, s, n)) == NONE)
			return NONE;
		if (*prev != NONE)
			g->next[*prev] = id;
	}
	return *prev = id;
}

/* ---- packed edge lists ---- */

static int putvarint(struct kdep_buf *b, uint64_t v)
{
	unsigned char *p;

	if (b->cap - b->len < 11 && kdep_bufreserve(b, 10) < 0)
		return KDEP_ENOMEM;
	p = (unsigned char *)b->data + b->len;
	do {
		*p = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			*p |= 0x80;
		p++;
	} while (v);
	b->len = (size_t)((char *)p - b->data);
	return 0;
}

int kdep_graph_each(const struct kdep_graph *g, size_t t,
		    int (*fn)(void *ctx, uint32_t id), void *ctx)
{
	const struct gtarget *x = &g->targets[t];
	const unsigned char *p;
	int64_t prev = 0;
	size_t i;
	int e;

	if (!x->ndeps)
		return 0; /* the list may be empty: no pointer to offset */
	p = (const unsigned char *)g->pack.data + x->off;

	for (i = 0; i < x->ndeps; i++) {
		uint64_t v = 0;
		unsigned sh = 0;

		do
			v |= (uint64_t)(*p & 0x7f) << sh, sh += 7;
		while (*p++ & 0x80);
		prev += (v & 1) ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
		if ((e = fn(ctx, (uint32_t)prev)) != 0)
			return e;
	}
	return 0;
}

/* ---- adding a .cmd file ---- */

/* An entry of the file being read: kept until the file parsed whole. */
struct pend {
	uint32_t target, kind, id;
};

struct adding {
	struct kdep_graph *g;
	uint32_t last; /* the last target's id: most entries repeat it */
	uint32_t prev; /* the last path's id */
	struct pend *v;
	size_t n, cap;
};

static int onent(void *ctx, const struct kdep_cmdent *e)
{
	struct adding *a = ctx;
	struct pend p;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 1024;
		struct pend *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		a->v = v;
		a->cap = cap;
	}
	p.kind = (uint32_t)e->kind;
	if (e->kind == KDEP_CMD_EXTRA && e->wildcard)
		p.kind = KDEP_CMD_STAMP;
	if (a->last != NONE && a->g->nodes[a->last].len == e->tlen &&
	    memcmp(a->g->nodes[a->last].s, e->target, e->tlen) == 0)
		p.target = a->last;
	else if ((p.target = a->last = intern(a->g, e->target, e->tlen)) ==
		 NONE)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	p.id = NONE;
	if (e->kind != KDEP_CMD_CMDLINE &&
	    (p.id = internafter(a->g, e->s, e->len, &a->prev)) == NONE)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	a->v[a->n++] = p;
	return 0;
}

static int kindof(const struct gnode *x, uint32_t cmdkind)
{
	if (cmdkind == KDEP_CMD_DEP || cmdkind == KDEP_CMD_SOURCE ||
	    cmdkind == KDEP_CMD_EXTRA)
		return KDEP_PATH_FILE;
	if (x->len > sizeof(KDEP_CONFIGDIR) &&
	    kdep_startswith(x->s, x->len, KDEP_CONFIGDIR "/"))
		return KDEP_PATH_CONFIG;
	if (x->len > sizeof(KDEP_KSYMDIR) &&
	    kdep_startswith(x->s, x->len, KDEP_KSYMDIR "/"))
		return KDEP_PATH_KSYM;
	return KDEP_PATH_OTHER;
}

static int edge(struct kdep_graph *g, uint32_t t, uint32_t id,
		uint32_t cmdkind, int64_t *prev, size_t *n)
{
	struct gnode *x = &g->nodes[id];
	int64_t d = (int64_t)id - *prev;
	int k = kindof(x, cmdkind);

	/* a path listed as a file somewhere is a file */
	if (!x->used || k == KDEP_PATH_FILE)
		x->kind = (uint8_t)k;
	x->used = 1;
	if (cmdkind == KDEP_CMD_DEP)
		x->dep = 1;
	if (g->mark[id] == t)
		return 0;
	g->mark[id] = t;
	*prev = id;
	(*n)++;
	g->edges++;
	return putvarint(&g->pack, d < 0 ? ((uint64_t)(-d - 1) << 1) | 1
				       : (uint64_t)d << 1);
}

/* The target numbered for node id, created if new. */
static int target(struct kdep_graph *g, uint32_t id, uint32_t *t)
{
	struct gnode *x = &g->nodes[id];

	if (x->target != NONE) {
		*t = x->target;
		return 0;
	}
	if (g->ntargets == g->tcap) {
		size_t cap = g->tcap ? g->tcap * 2 : 256;
		struct gtarget *v = realloc(g->targets, cap * sizeof(*v));

		if (!v)
			return kdep_err(KDEP_ENOMEM, "out of memory");
		g->targets = v;
		g->tcap = cap;
	}
	*t = x->target = (uint32_t)g->ntargets++;
	memset(&g->targets[*t], 0, sizeof(g->targets[*t]));
	g->targets[*t].id = id;
	g->targets[*t].source = NONE;
	return 0;
}

/* Put target tid's entries of a, from index from on, in the graph. */
static int commit1(struct kdep_graph *g, struct adding *a, size_t from,
		   uint32_t cmdfile)
{
	uint32_t tnode = a->v[from].target, t = 0;
	struct gtarget *x;
	int64_t prev = 0;
	size_t i, n = 0;
	int e;

	if ((e = target(g, tnode, &t)) < 0)
		return e;
	x = &g->targets[t];
	/* a target read again (another .cmd file names it) starts over */
	x->off = g->pack.len;
	x->ndeps = 0;
	x->hasdeps = 0;
	x->hascmd = 0;
	x->source = NONE;
	x->cmdfile = cmdfile;
	g->serial++; /* marks of an earlier listing must not count */
	for (i = from; i < a->n; i++) {
		if (a->v[i].target != tnode)
			continue;
		if (a->v[i].kind == KDEP_CMD_CMDLINE)
			x->hascmd = 1;
		else if (a->v[i].kind == KDEP_CMD_SOURCE) {
			x->hasdeps = 1; /* a compile, if an empty one */
			x->source = a->v[i].id;
			g->nodes[a->v[i].id].source = 1;
		}
	}
	/*
	 * Older kbuilds (Linux before 2.6.29, BusyBox, U-Boot of that age)
	 * print no source_ line and list the source first: a first file
	 * that is no header is taken for it.
	 */
	if (x->source == NONE)
		for (i = from; i < a->n; i++) {
			struct pend *p = &a->v[i];
			const struct gnode *y;

			if (p->target != tnode || p->kind != KDEP_CMD_DEP)
				continue;
			y = &g->nodes[p->id];
			if (!kdep_endswith(y->s, y->len, ".h")) {
				x->source = p->id;
				g->nodes[p->id].source = 1;
			}
			break;
		}
	/* the source first, then what the rules list */
	if (x->source != NONE &&
	    (e = edge(g, g->serial, x->source, KDEP_CMD_SOURCE, &prev, &n)) < 0)
		return e;
	for (i = from; i < a->n; i++) {
		struct pend *p = &a->v[i];

		if (p->target != tnode)
			continue;
		p->target = NONE; /* done */
		if (p->kind == KDEP_CMD_CMDLINE || p->kind == KDEP_CMD_SOURCE)
			continue;
		if (p->kind == KDEP_CMD_DEP || p->kind == KDEP_CMD_STAMP)
			x->hasdeps = 1;
		if ((e = edge(g, g->serial, p->id, p->kind, &prev, &n)) < 0)
			return e;
	}
	x->ndeps = (uint32_t)n;
	return 0;
}

int kdep_graph_addcmd(struct kdep_graph *g, const char *file,
		      const char *data, size_t len)
{
	struct adding a = {.g = g, .last = NONE, .prev = NONE};
	uint32_t cmdfile;
	size_t i;
	int e;

	g->info.cmdbytes += len;
	if ((e = kdep_cmdparse(file, data, len, onent, &a)) == 0) {
		cmdfile = (uint32_t)g->cmdnames.len;
		if (kdep_bufadd(&g->cmdnames, file, strlen(file) + 1) < 0)
			e = KDEP_ENOMEM;
		for (i = 0; e == 0 && i < a.n; i++)
			if (a.v[i].target != NONE)
				e = commit1(g, &a, i, cmdfile);
	}
	free(a.v);
	if (e == 0)
		g->info.cmdfiles++;
	return e;
}

/* ---- walking a build folder ---- */

struct walk {
	struct kdep_graph *g;
	kdep_warnfn warn;
	void *ctx;
	struct kdep_buf path, text, msg;
	int added;
};

static void warn(struct walk *w)
{
	w->g->info.skipped++;
	w->msg.len = 0;
	if (w->warn && kdep_bufprintf(&w->msg, "%s (skipped)",
				      kdep_errmsg()) == 0)
		w->warn(w->ctx, w->msg.data);
}

static int cmpname(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int iscmd(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' && n > 5 && kdep_endswith(name, n, ".cmd");
}

/*
 * The entries of folder dp (at w->path) worth a look, each as a type
 * byte ('d' a folder, 'c' a .cmd file) and its NUL-terminated name.  The
 * type comes from readdir: a kernel tree holds some 80,000 files, and a
 * stat() of each would cost more than reading the .cmd files.
 */
static int list(struct walk *w, DIR *dp, struct kdep_buf *out)
{
	struct dirent *d;
	int e = 0;

	while (e == 0 && (errno = 0, d = readdir(dp))) {
		const char *n = d->d_name;
		int type = d->d_type;
		char t;

		if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
			continue;
		if (type == DT_UNKNOWN) {
			struct stat st;

			type = fstatat(dirfd(dp), n, &st, AT_SYMLINK_NOFOLLOW) < 0
				       ? DT_UNKNOWN
			       : S_ISDIR(st.st_mode) ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG
						     : DT_UNKNOWN;
		}
		if (type == DT_DIR && strcmp(n, ".git") != 0)
			t = 'd';
		else if (type == DT_REG && iscmd(n))
			t = 'c';
		else
			continue;
		if (kdep_bufadd(out, &t, 1) < 0 ||
		    kdep_bufadd(out, n, strlen(n) + 1) < 0)
			e = KDEP_ENOMEM;
	}
	if (e == 0 && errno)
		e = kdep_errno(KDEP_EIO, "cannot list %s",
			       w->path.len ? w->path.data : ".");
	return e;
}

/*
 * Read and add .cmd file name of folder dfd (at w->path); one that
 * cannot be read or parsed is skipped.  Opened relative to its folder:
 * no path lookup from the top for each file.
 */
static int addfile(struct walk *w, int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
					   O_NOFOLLOW),
	    e;

	if (fd < 0) {
		kdep_errno(KDEP_EIO, "error opening file: %s", w->path.data);
		warn(w);
		return 0;
	}
	e = kdep_readfd(fd, w->path.data, &w->text);
	close(fd);
	if (e < 0) {
		warn(w);
		return e == KDEP_ENOMEM ? e : 0;
	}
	e = kdep_graph_addcmd(w->g, w->path.data, w->text.data, w->text.len);
	if (e == KDEP_EDATA) {
		warn(w);
		return 0;
	}
	if (e == 0)
		w->added++;
	return e;
}

/* Walk folder fd (at w->path), which this closes. */
static int walkdir(struct walk *w, int fd)
{
	struct kdep_buf names = {0};
	const char **v = NULL;
	size_t n = 0, i, at = w->path.len;
	const char *p;
	DIR *dp;
	int e;

	if (!(dp = fdopendir(fd))) {
		close(fd);
		return kdep_errno(KDEP_EIO, "cannot list %s",
				  at ? w->path.data : ".");
	}
	if ((e = list(w, dp, &names)) < 0)
		goto out;
	for (p = names.data; p && p < names.data + names.len;
	     p += strlen(p) + 1)
		n++;
	if (n && !(v = malloc(n * sizeof(*v)))) {
		e = kdep_err(KDEP_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0, p = names.data; i < n; p += strlen(p) + 1)
		v[i++] = p;
	/* .cmd files first, then folders, each in name order */
	if (n > 1)
		qsort(v, n, sizeof(*v), cmpname);
	for (i = 0; e == 0 && i < n; i++) {
		w->path.len = at;
		if ((at && kdep_bufadd(&w->path, "/", 1) < 0) ||
		    kdep_bufputs(&w->path, v[i] + 1) < 0) {
			e = KDEP_ENOMEM;
			break;
		}
		if (v[i][0] == 'c') {
			e = addfile(w, dirfd(dp), v[i] + 1);
			continue;
		}
		fd = openat(dirfd(dp), v[i] + 1,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = fd < 0 ? kdep_errno(KDEP_EIO, "cannot list %s",
					w->path.data)
			   : walkdir(w, fd);
	}
	w->path.len = at;
	if (w->path.data)
		w->path.data[at] = '\0';
out:
	closedir(dp);
	free(v);
	kdep_buffree(&names);
	return e;
}

int kdep_graph_load(struct kdep_graph *g, kdep_warnfn fn, void *ctx)
{
	struct walk w = {.g = g, .warn = fn, .ctx = ctx};
	const char *top = g->root[0] ? g->root : ".";
	int fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;

	if (fd < 0)
		return kdep_errno(KDEP_EIO, "cannot list %s", top);
	if (g->root[0] && kdep_bufputs(&w.path, g->root) < 0) {
		close(fd);
		return KDEP_ENOMEM;
	}
	e = walkdir(&w, fd);
	kdep_buffree(&w.path);
	kdep_buffree(&w.text);
	kdep_buffree(&w.msg);
	return e < 0 ? e : w.added;
}

/* ---- the graph ---- */

struct kdep_graph *kdep_graph_new(const char *root)
{
	struct kdep_graph *g = calloc(1, sizeof(*g));

	if (!g || !(g->root = strdup(root ? root : ""))) {
		free(g);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	/* a root of "dir/" names files "dir//x": drop the slash */
	while (strlen(g->root) > 1 && g->root[strlen(g->root) - 1] == '/')
		g->root[strlen(g->root) - 1] = '\0';
	return g;
}

void kdep_graph_free(struct kdep_graph *g)
{
	struct chunk *c, *next;

	if (!g)
		return;
	for (c = g->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(g->nodes);
	free(g->mark);
	free(g->next);
	free(g->tab);
	free(g->targets);
	kdep_buffree(&g->pack);
	kdep_buffree(&g->cmdnames);
	free(g->root);
	free(g);
}

void kdep_graph_info(const struct kdep_graph *g, struct kdep_graphinfo *gi)
{
	*gi = g->info;
	gi->targets = g->ntargets;
	gi->paths = g->n;
	gi->edges = g->edges;
}

int kdep_graph_target(const struct kdep_graph *g, size_t i,
		      struct kdep_target *t)
{
	const struct gtarget *x;

	if (i >= g->ntargets)
		return kdep_err(KDEP_EDATA, "no target %zu", i);
	x = &g->targets[i];
	t->name = g->nodes[x->id].s;
	t->source = x->source == NONE ? NULL : g->nodes[x->source].s;
	t->cmdfile = g->cmdnames.data + x->cmdfile;
	t->hascmd = x->hascmd;
	t->ndeps = x->ndeps;
	return 0;
}

long kdep_graph_findtarget(const struct kdep_graph *g, const char *name)
{
	uint32_t id = kdep_graph_lookup(g, name, strlen(name));

	if (id == NONE || g->nodes[id].target == NONE)
		return -1;
	return (long)g->nodes[id].target;
}

struct depsctx {
	const struct kdep_graph *g;
	kdep_pathfn fn;
	void *ctx;
};

static int ondep(void *ctx, uint32_t id)
{
	struct depsctx *d = ctx;
	const struct gnode *x = &d->g->nodes[id];

	return d->fn(d->ctx, x->s, x->len, x->kind);
}

int kdep_graph_deps(const struct kdep_graph *g, size_t i, kdep_pathfn fn,
		    void *ctx)
{
	struct depsctx d = {g, fn, ctx};

	if (i >= g->ntargets)
		return kdep_err(KDEP_EDATA, "no target %zu", i);
	return kdep_graph_each(g, i, ondep, &d);
}
