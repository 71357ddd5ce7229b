/*
 * check.c - is a target fresh by content?  Reads the records record.c
 * writes (the format and the racy rule are described there).
 *
 * A check walks the record once.  Each file is stat'ed; equal stat data
 * that are older than the record mean equal content, anything else is
 * hashed.  CONFIG symbols are compared by value with the record's
 * auto.conf.  What make found newer is matched against the record: a
 * name the record covers is judged by content like the rest, a name it
 * does not cover (an explicit prerequisite, a new header) is a change.
 *
 * Inside make, files change between checks (make regenerates some as it
 * goes), so with KDEP_CHECK_RESTAT every check stats again and a hash is
 * kept only with the stat data it was taken under, and only for a file
 * whose ctime is a few seconds old (see settled()).  With
 * KDEP_CHECK_REFRESH a record whose content checks out but whose stat
 * data moved is rewritten, so a touch costs one hashing, not one per
 * build.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* What we know of a file now. */
struct finfo {
	unsigned gen; /* the check that stat'ed it */
	int exists;
	int hashed;
	int err; /* reading it failed: a change, not a crash */
	int settled; /* hash may be kept for later checks: see settled() */
	struct stat st;
	uint64_t hash;
	size_t textlen;
	char text[STATTEXT]; /* kdep_stattext() of st */
};

/* The values of one auto.conf, kept while its stat data stay the same. */
struct cinfo {
	unsigned gen;
	int ok;      /* parsed */
	int settled; /* may be kept for later checks */
	size_t textlen;
	char text[STATTEXT];
	struct kdep_config *conf;
};

struct kdep_checker {
	unsigned flags, gen;
	struct kdep_nameset *files; /* path -> struct finfo */
	struct kdep_nameset *confs; /* auto.conf path -> struct cinfo */
	struct kdep_buf rec, path, val, stamp, out, detail;
	const char *norecord; /* why the last check found no usable record */
};

/* One check under way. */
struct check {
	struct kdep_checker *c;
	const struct kdep_query *q;
	struct timespec written;      /* the record file's mtime */
	struct kdep_nameset *covered; /* recorded paths, when make named some */
	struct cinfo *conf;           /* of the conf line */
	char *confpath, *stampdir;
	enum kdep_layout layout;
	int stale, moved, stop;
	int toldconf; /* a missing auto.conf was told */
};

static const char *const texts[] = {
	[KDEP_CHANGED] = "changed",
	[KDEP_APPEARED] = "appeared",
	[KDEP_VANISHED] = "disappeared",
	[KDEP_UNSURE] = "may have changed during the build",
	[KDEP_CONFIG] = "value changed",
	[KDEP_NOCONFIG] = "cannot be read",
	[KDEP_UNRECORDED] = "is newer and not in the record",
	[KDEP_CMDLINE] = "command line changed",
	[KDEP_MISSING] = "missing",
};

const char *kdep_changetext(enum kdep_change why)
{
	if ((unsigned)why >= sizeof(texts) / sizeof(texts[0]))
		return "changed";
	return texts[why];
}

struct kdep_checker *kdep_checker_new(unsigned flags)
{
	struct kdep_checker *c = calloc(1, sizeof(*c));

	if (!c || !(c->files = kdep_nameset_new()) ||
	    !(c->confs = kdep_nameset_new())) {
		if (c)
			kdep_nameset_free(c->files);
		free(c);
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	c->flags = flags;
	return c;
}

static void freecinfo(void *p)
{
	struct cinfo *ci = p;

	kdep_config_free(ci->conf);
	free(ci);
}

void kdep_checker_free(struct kdep_checker *c)
{
	if (!c)
		return;
	kdep_nameset_each(c->files, free);
	kdep_nameset_free(c->files);
	kdep_nameset_each(c->confs, freecinfo);
	kdep_nameset_free(c->confs);
	kdep_buffree(&c->rec);
	kdep_buffree(&c->path);
	kdep_buffree(&c->val);
	kdep_buffree(&c->stamp);
	kdep_buffree(&c->out);
	kdep_buffree(&c->detail);
	free(c);
}

/*
 * A file changed within the timestamp tick it was read in keeps its stat
 * data: on filesystems with coarse timestamps (ext4 and tmpfs before
 * Linux 6.13, ramfs, NFS, 1-second filesystems) a same-size rewrite in
 * place looks like no change.  What was read of a file whose ctime is
 * less than SETTLE seconds old therefore holds for the one check only;
 * later ones read it again.  ctime, since no one can set it: every change
 * moves it to the clock's now.
 */
#define SETTLE 2

static int settled(const struct stat *st)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return 0;
	now.tv_sec -= SETTLE;
	return kdep_before(&st->st_ctim, &now);
}

/* Stat path for this check (once per check with RESTAT, else once). */
static void restat(struct kdep_checker *c, const char *path, struct finfo *fi)
{
	char text[STATTEXT];
	struct stat st;
	size_t len;

	fi->gen = c->gen;
	if (stat(path, &st) < 0) {
		fi->exists = 0;
		fi->hashed = 0;
		return;
	}
	len = kdep_stattext(text, &st);
	/* a kept hash holds only for the stat data it was taken under */
	if (!fi->exists || !fi->settled || len != fi->textlen ||
	    memcmp(text, fi->text, len))
		fi->hashed = 0;
	fi->exists = 1;
	fi->st = st;
	fi->textlen = len;
	memcpy(fi->text, text, len);
}

static struct finfo *finfo(struct kdep_checker *c, const char *path)
{
	struct finfo *fi;
	void **val;

	if (kdep_nameset_put(c->files, path, strlen(path), &val) < 0)
		return NULL;
	if (!*val) {
		if (!(fi = calloc(1, sizeof(*fi)))) {
			kdep_err(KDEP_ENOMEM, "out of memory");
			return NULL;
		}
		*val = fi;
		restat(c, path, fi);
	}
	fi = *val;
	if ((c->flags & KDEP_CHECK_RESTAT) && fi->gen != c->gen)
		restat(c, path, fi);
	return fi;
}

static uint64_t curhash(const char *path, struct finfo *fi)
{
	struct stat st;

	if (!fi->hashed) {
		fi->hashed = 1;
		fi->err = kdep_hashfile(path, &fi->hash, &st) < 0;
		fi->settled = !fi->err && settled(&st);
		/* changed between stat and read: not this version's hash */
		if (!fi->err && (st.st_ino != fi->st.st_ino ||
				 st.st_size != fi->st.st_size ||
				 st.st_mtim.tv_sec != fi->st.st_mtim.tv_sec ||
				 st.st_mtim.tv_nsec != fi->st.st_mtim.tv_nsec))
			fi->hashed = 0;
	}
	return fi->hash;
}

/* 16 lowercase hex digits at p into *v; 0 on success. */
static int parsehash(const char *p, uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 16; i++) {
		int c = p[i], d = c >= '0' && c <= '9'   ? c - '0'
				  : c >= 'a' && c <= 'f' ? c - 'a' + 10
							 : -1;

		if (d < 0)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return 0;
}

/* Tell a change; sets k->stop when the caller wants only the first. */
static void change(struct check *k, const char *path, enum kdep_change why,
		   const char *detail)
{
	k->stale = 1;
	if (!k->q->fn)
		k->stop = 1;
	else
		k->q->fn(k->q->ctx, path, why, detail);
}

/* Remember path as one the record covers (only when make named some). */
/*
 * A path as make names it: make drops leading "./" (kbuild writes
 * "$(wildcard ./tools/objtool/objtool)", $? says tools/objtool/objtool).
 */
static const char *makename(const char *path, size_t *len)
{
	while (*len > 2 && path[0] == '.' && path[1] == '/') {
		path += 2;
		*len -= 2;
		while (*len > 1 && *path == '/') {
			path++;
			--*len;
		}
	}
	return path;
}

static int cover(struct check *k, const char *path, size_t len)
{
	if (!k->covered)
		return 0;
	path = makename(path, &len);
	return kdep_nameset_add(k->covered, path, len) < 0 ? KDEP_ENOMEM : 0;
}

/* Past n space-terminated fields from p, or NULL. */
static char *skipfields(char *p, int n)
{
	while (n-- > 0)
		if (!(p = strchr(p, ' ')) || !*++p)
			return NULL;
	return p;
}

/* The recorded size, third field of text, is 0. */
static int emptysize(const char *text)
{
	const char *p = strchr(text, ' ');

	p = p ? strchr(p + 1, ' ') : NULL;
	return p && p[1] == '0' && p[2] == ' ';
}

/*
 * An f or s line after "<kind> ": "<hash> <stat> <path>" (f: <stat> is
 * the hash of the stat text) or "<hash> <stat text> <path>" (s).  With
 * REFRESH the line is kept in out as it should be: with the stat data
 * of now when only they moved.  0, 1 if corrupt, or < 0.
 */
static int fileline(struct check *k, char kind, char *p)
{
	struct kdep_checker *c = k->c;
	char *path, *text = p + 17, now[17];
	struct finfo *fi;
	uint64_t h, sh = 0;
	size_t len;
	int same;

	if (strlen(p) < 17 || p[16] != ' ' ||
	    !(path = skipfields(text, kind == 'f' ? 1 : 5)) ||
	    parsehash(p, &h) < 0)
		return 1;
	len = (size_t)(path - 1 - text);
	if (kind == 'f' && (len != 16 || parsehash(text, &sh) < 0))
		return 1;
	if (k->stop)
		return 0;
	if (cover(k, path, strlen(path)) < 0 || !(fi = finfo(c, path)))
		return KDEP_ENOMEM;
	if (!fi->exists) {
		change(k, path, KDEP_VANISHED, NULL);
		return 0;
	}
	same = kind == 'f' ? sh == kdep_hash(fi->text, fi->textlen, 0)
			   : len == fi->textlen && !memcmp(text, fi->text, len);
	/* equal stat data are only trusted when older than the record */
	if (same && !kdep_racy(&fi->st, &k->written))
		return 0;
	/* kconfig's empty stamps say nothing but by being touched */
	if (kind == 's' && emptysize(text) && fi->st.st_size == 0) {
		change(k, path, KDEP_CHANGED, "touched");
		return 0;
	}
	if (curhash(path, fi) != h || fi->err || !fi->hashed) {
		change(k, path, KDEP_CHANGED, NULL);
		return 0;
	}
	/* same content: keep the new stat data (rewritten if all is fresh) */
	k->moved = 1;
	if (c->flags & KDEP_CHECK_REFRESH) {
		c->out.len -= strlen(text) + 1;
		if (kind == 'f') {
			kdep_puthex(now, kdep_hash(fi->text, fi->textlen, 0));
			now[16] = '\0';
			if (kdep_bufprintf(&c->out, "%s %s\n", now, path) < 0)
				return KDEP_ENOMEM;
		} else if (kdep_bufadd(&c->out, fi->text, fi->textlen) < 0 ||
			   kdep_bufprintf(&c->out, " %s\n", path) < 0) {
			return KDEP_ENOMEM;
		}
	}
	return 0;
}

/* The values of the auto.conf at path, kept while its stat data hold. */
static struct cinfo *confinfo(struct kdep_checker *c, const char *path)
{
	struct finfo *fi = finfo(c, path);
	struct cinfo *ci;
	void **val;

	if (!fi || kdep_nameset_put(c->confs, path, strlen(path), &val) < 0)
		return NULL;
	if (!*val && !(*val = calloc(1, sizeof(struct cinfo)))) {
		kdep_err(KDEP_ENOMEM, "out of memory");
		return NULL;
	}
	ci = *val;
	if (ci->gen && ci->settled && fi->exists && ci->textlen == fi->textlen &&
	    memcmp(ci->text, fi->text, fi->textlen) == 0)
		return ci;
	kdep_config_free(ci->conf);
	ci->conf = NULL;
	ci->gen = 1;
	ci->ok = fi->exists && kdep_config_parse(path, &ci->conf) == 0;
	ci->settled = fi->exists && settled(&fi->st);
	ci->textlen = fi->exists ? fi->textlen : 0;
	memcpy(ci->text, fi->text, ci->textlen);
	if (!ci->ok) {
		/* a file that does not parse is "no values", never a crash */
		kdep_config_free(ci->conf);
		ci->conf = NULL;
		ci->textlen = 0;
	}
	return ci;
}

/* "conf <layout> <path>"; 0, 1 if corrupt, or < 0. */
static int confline(struct check *k, char *p)
{
	char *path = strchr(p, ' '), *slash;

	if (k->confpath || !path)
		return 1;
	*path++ = '\0';
	if (strcmp(p, "flat") == 0)
		k->layout = KDEP_FLAT;
	else if (strcmp(p, "split") == 0)
		k->layout = KDEP_SPLIT;
	else
		return 1;
	k->confpath = path;
	if (k->stop)
		return 0;
	if (!(k->conf = confinfo(k->c, path)))
		return KDEP_ENOMEM;
	/* stamps live next to auto.conf; "" is the current folder */
	k->c->stamp.len = 0;
	if (k->c->stamp.data)
		k->c->stamp.data[0] = '\0';
	slash = strrchr(path, '/');
	if (slash && kdep_bufadd(&k->c->stamp, path, (size_t)(slash - path)) < 0)
		return KDEP_ENOMEM;
	k->stampdir = k->c->stamp.data ? k->c->stamp.data : "";
	return 0;
}

/* "c <NAME> <value>"; 0, 1 if corrupt, or < 0. */
static int symline(struct check *k, char *p)
{
	struct kdep_checker *c = k->c;
	const struct kdep_confsym *sym;
	char *val = strchr(p, ' ');
	struct kdep_buf stamp = {0};
	int e = 0;

	if (!k->confpath || !val || !val[1])
		return 1;
	*val++ = '\0';
	if (!kdep_isname(p, strlen(p)))
		return 1;
	if (k->stop)
		return 0;
	/* without values, every symbol counts as changed: told once */
	if (!k->conf->ok) {
		if (!k->toldconf++)
			change(k, k->confpath, KDEP_NOCONFIG, NULL);
		return 0;
	}
	sym = kdep_config_find(k->conf->conf, p);
	if (kdep_confvalue(&c->val, sym) < 0)
		return KDEP_ENOMEM;
	if ((k->covered || strcmp(val, c->val.data) != 0) &&
	    (e = kdep_stamppath(&stamp, k->stampdir, p, strlen(p),
				k->layout)) < 0)
		goto out;
	if ((e = cover(k, stamp.data, stamp.len)) < 0)
		goto out;
	if (strcmp(val, c->val.data) != 0) {
		c->detail.len = 0;
		if (kdep_bufprintf(&c->detail, "CONFIG_%s %s -> %s", p, val,
				   c->val.data) < 0) {
			e = KDEP_ENOMEM;
			goto out;
		}
		change(k, stamp.data, KDEP_CONFIG, c->detail.data);
	}
out:
	kdep_buffree(&stamp);
	return e;
}

/* One entry line; 0, 1 if the record is corrupt, or < 0. */
static int entry(struct check *k, char *line)
{
	struct finfo *fi;
	char kind = line[0], *p = line + 2;

	if (line[1] != ' ' || !line[2]) {
		if (strncmp(line, "conf ", 5) == 0)
			return confline(k, line + 5);
		return 1;
	}
	switch (kind) {
	case 'f':
	case 's':
		return fileline(k, kind, p);
	case 'c':
		return symline(k, p);
	case 'a':
	case 'u':
		if (k->stop)
			return 0;
		if (cover(k, p, strlen(p)) < 0)
			return KDEP_ENOMEM;
		if (kind == 'u') {
			change(k, p, KDEP_UNSURE, NULL);
			return 0;
		}
		if (!(fi = finfo(k->c, p)))
			return KDEP_ENOMEM;
		if (fi->exists)
			change(k, p, KDEP_APPEARED, NULL);
		return 0;
	default:
		return 1;
	}
}

/* Split off the next line of [*p, end); NULL at the end. */
static char *nextline(char **p, char *end)
{
	char *s = *p, *nl;

	if (s >= end || !(nl = memchr(s, '\n', (size_t)(end - s))))
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return s;
}

/* Verify the checksum and version; returns the "end" line, or NULL. */
static char *verify(struct kdep_buf *rec)
{
	char *end = rec->data + rec->len, *last;
	size_t head = strlen(kdep_recordhead);
	uint64_t sum;

	if (rec->len < 2 || end[-1] != '\n')
		return NULL;
	for (last = end - 1; last > rec->data && last[-1] != '\n'; last--)
		;
	if (end - last != 21 || strncmp(last, "end ", 4) != 0 ||
	    parsehash(last + 4, &sum) < 0 ||
	    sum != kdep_hash(rec->data, (size_t)(last - rec->data), 0))
		return NULL;
	if ((size_t)(last - rec->data) < head ||
	    memcmp(rec->data, kdep_recordhead, head) != 0)
		return NULL;
	return last;
}

/* Put the kept lines in place as the new record (REFRESH). */
static int rewrite(struct check *k)
{
	struct kdep_checker *c = k->c;
	char end[4 + 16 + 1] = "end ";

	kdep_puthex(end + 4, kdep_hash(c->out.data, c->out.len, 0));
	end[20] = '\n';
	if (kdep_bufadd(&c->out, end, sizeof(end)) < 0)
		return KDEP_ENOMEM;
	return kdep_writefile(c->path.data, c->out.data, c->out.len, 0644);
}

/* Walk a verified record; 0, 1 if corrupt, or < 0. */
static int walk(struct check *k, char *p, char *end)
{
	struct kdep_checker *c = k->c;
	const char *cmdline = k->q->cmdline;
	size_t hl = strlen(kdep_recordhead);
	char *line;
	uint64_t cmd;
	int e = 0;

	c->out.len = 0;
	if ((c->flags & KDEP_CHECK_REFRESH) && kdep_bufadd(&c->out, p, hl) < 0)
		return KDEP_ENOMEM;
	p += hl;
	line = nextline(&p, end);
	if (!line || strncmp(line, "cmd ", 4) != 0 || strlen(line) != 20 ||
	    parsehash(line + 4, &cmd) < 0)
		return 1;
	if ((c->flags & KDEP_CHECK_REFRESH) &&
	    kdep_bufprintf(&c->out, "%s\n", line) < 0)
		return KDEP_ENOMEM;
	if (cmdline && cmd != kdep_hash(cmdline, strlen(cmdline), 0))
		change(k, NULL, KDEP_CMDLINE, NULL);
	/* past the first change too: a corrupt line is no record, always */
	while ((line = nextline(&p, end))) {
		if ((c->flags & KDEP_CHECK_REFRESH) &&
		    kdep_bufprintf(&c->out, "%s\n", line) < 0)
			return KDEP_ENOMEM;
		if ((e = entry(k, line)) != 0)
			return e;
	}
	return 0;
}

/* Every name make found newer that the record does not cover. */
static void unrecorded(struct check *k)
{
	size_t i;

	for (i = 0; i < k->q->nnewer && !k->stop; i++) {
		const char *n = k->q->newer[i];
		size_t len = strlen(n);
		const char *m = makename(n, &len);

		if (!kdep_nameset_has(k->covered, m, len))
			change(k, n, KDEP_UNRECORDED, NULL);
	}
}

static int check(struct check *k)
{
	struct kdep_checker *c = k->c;
	const char *target = k->q->target;
	struct stat tst, rst;
	char *end;
	int e;

	if (stat(target, &tst) < 0) {
		change(k, target, KDEP_MISSING, NULL);
		return KDEP_STALE;
	}
	c->path.len = 0;
	if ((e = kdep_recordpath(&c->path, target)) < 0)
		return e;
	if ((e = kdep_readfile(c->path.data, &c->rec, &rst)) < 0) {
		if (e == KDEP_ENOMEM)
			return e;
		c->norecord = e == KDEP_ENOENT ? "no record" : "is unreadable";
		return KDEP_NORECORD;
	}
	/* rebuilt since by something that wrote no record */
	if (kdep_before(&rst.st_mtim, &tst.st_mtim)) {
		c->norecord = "is older than the target";
		return KDEP_NORECORD;
	}
	if (!(end = verify(&c->rec))) {
		c->norecord = "is corrupt";
		return KDEP_NORECORD;
	}
	k->written = rst.st_mtim;
	if (k->q->nnewer && !(k->covered = kdep_nameset_new()))
		return KDEP_ENOMEM;
	if ((e = walk(k, c->rec.data, end)) < 0)
		return e;
	if (e > 0) {
		c->norecord = "is corrupt";
		return KDEP_NORECORD;
	}
	if (k->covered)
		unrecorded(k);
	if (!k->stale && k->moved && (c->flags & KDEP_CHECK_REFRESH) &&
	    (e = rewrite(k)) < 0)
		return e;
	return k->stale ? KDEP_STALE : KDEP_FRESH;
}

int kdep_check(struct kdep_checker *c, const struct kdep_query *q)
{
	struct check k = {.c = c, .q = q};
	int e;

	c->gen++;
	if (!c->gen) /* 0 is "never stat'ed" */
		c->gen = 1;
	c->norecord = NULL;
	e = check(&k);
	kdep_nameset_free(k.covered);
	return e;
}

const char *kdep_checker_norecord(const struct kdep_checker *c,
				  const char **record)
{
	*record = c->path.data;
	return c->norecord;
}
