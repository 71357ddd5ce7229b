/* graph.h - the graph's insides, shared by graph.c, impact.c, stats.c, report.c. */
#ifndef KDEP_GRAPH_H
#define KDEP_GRAPH_H

#include "internal.h"

struct gnode {
	const char *s; /* in the graph's arena, NUL-terminated */
	uint32_t len, hash;
	uint32_t target; /* its number if it is a target, else UINT32_MAX */
	uint8_t kind;    /* enum kdep_pathkind */
	uint8_t used;    /* some target depends on it */
	uint8_t dep;     /* listed in some deps_ block */
	uint8_t source;  /* some target's source_ */
};

struct gtarget {
	uint32_t id, source; /* node ids; source UINT32_MAX: none */
	uint32_t cmdfile;    /* offset of its .cmd file's name in cmdnames */
	uint32_t ndeps;      /* packed ids at pack.data + off */
	size_t off;
	uint8_t hascmd, hasdeps;
};

struct kdep_graph {
	char *root;
	struct gnode *nodes;
	uint32_t *mark; /* per node: the last target listing it (dedupe) */
	uint32_t *next; /* per node: the path listed after it last time */
	size_t n, cap;
	uint64_t *tab; /* open addressing: hash << 32 | id + 1; 0 empty */
	size_t tabcap;
	struct chunk *chunks;
	struct gtarget *targets;
	size_t ntargets, tcap;
	struct kdep_buf pack, cmdnames;
	uint32_t serial;
	size_t edges;
	struct kdep_graphinfo info;
};

/* The id of path s[0..n), or UINT32_MAX. */
uint32_t kdep_graph_lookup(const struct kdep_graph *g, const char *s,
			   size_t n);
/* fn(ctx, id) for each id target t depends on; non-zero stops. */
int kdep_graph_each(const struct kdep_graph *g, size_t t,
		    int (*fn)(void *ctx, uint32_t id), void *ctx);

/* Append s (string) to b as a JSON string. */
int kdep_jsonstr(struct kdep_buf *b, const char *s);

#endif
