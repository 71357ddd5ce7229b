/* internal.h - helpers shared by libkdep's .c files; not installed. */
#ifndef KDEP_INTERNAL_H
#define KDEP_INTERNAL_H

#include "kdep.h"

#if defined(__GNUC__)
#define KDEP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KDEP_PRINTF(a, b)
#endif

/*
 * Where a kernel build root keeps things, named once: scan.c and cache.c
 * must agree on the default prefixes (the cache keys on them), and every
 * tool on the stamp folders.
 */
#define KDEP_CONFIGDIR "include/config"           /* config stamps */
#define KDEP_AUTOCONF "include/config/auto.conf"  /* kconfig's output */
#define KDEP_AUTOHEADER "include/generated/autoconf.h"
#define KDEP_KSYMDIR "include/ksym"               /* ksym stamps */
#define KDEP_KSYMHEADER "include/generated/autoksyms.h"
#define KDEP_CONFIGPREFIX "CONFIG_"
/* The prefixes scanned for when kdep_scanopts has none (scan.c). */
extern const char *const kdep_defprefixes[];

/* Set this thread's error message; returns err for "return kdep_err(...)". */
int kdep_err(int err, const char *fmt, ...) KDEP_PRINTF(2, 3);
/* Same, with ": strerror(errno)" appended. */
int kdep_errno(int err, const char *fmt, ...) KDEP_PRINTF(2, 3);

/* A quick 64-bit hash for tables and cache checksums (hash.c), host order. */
uint64_t kdep_quickhash(const void *p, size_t n, uint64_t seed);

/*
 * The first max bytes of path (all of it if shorter) into b, errors as
 * kdep_readfile: a look at the head of a file that may be large (io.c).
 */
int kdep_readhead(const char *path, struct kdep_buf *b, size_t max);

/*
 * Read the regular file path a piece at a time (up to 64 KiB each, from
 * one buffer), calling fn for each: for files that need not be held whole.
 * st, if not NULL, receives the fstat data.  Errors as kdep_readfile; a
 * non-zero return from fn stops the reading and is returned (io.c).
 */
typedef int (*kdep_piecefn)(void *ctx, const void *p, size_t n);
int kdep_readpieces(const char *path, kdep_piecefn fn, void *ctx,
		    struct stat *st);

/*
 * The names in folder dir but . and .. (each NUL-terminated, len bytes in
 * all) at *names until the next call on c: from the scan cache when the
 * folder has not changed since it was listed there (cache.c).  Fails with
 * KDEP_EIO and errno set when dir cannot be listed.
 */
int kdep_cache_list(struct kdep_cache *c, const char *dir, const char **names,
		    size_t *len);

/*
 * Append the names in folder dir but . and .. to out, each NUL-terminated
 * (io.c); KDEP_EIO with errno set if it cannot be listed.
 */
int kdep_listdir(const char *dir, struct kdep_buf *out);

/*
 * Which files exist, from one listing of each folder per run where that
 * is cheaper than asking file by file (listing.c); listings from cache
 * when set.  Zero-initialise; kdep_listing_free when done.
 */
struct kdep_listing {
	struct kdep_cache *cache;
	struct kdep_nameset *dirs; /* folder -> what is known of it */
	void **last;               /* the last folder's slot in dirs */
	struct kdep_buf lastpath, dir;
};
/*
 * 0 if path does not exist (not listed, or no folder), 1 if it does (or
 * is listed), 2 if that cannot be told (its folder cannot be listed, or
 * access() fails otherwise); KDEP_ENOMEM.
 */
int kdep_mayexist(struct kdep_listing *l, const char *path);
void kdep_listing_free(struct kdep_listing *l);

/*
 * A file written in pieces and put in place whole, as kdep_writefile puts
 * it (io.c): open, write any number of times, then commit (close and
 * rename) or abort (close and remove the temporary file).  Errors name
 * path; commit and abort free o either way.
 */
struct kdep_out {
	char *path, *tmp; /* tmp: the temporary's name, once it has one */
	int fd, isreg, inplace; /* inplace: a device or FIFO */
};
int kdep_outopen(struct kdep_out *o, const char *path, mode_t mode);
int kdep_outwrite(struct kdep_out *o, const void *p, size_t n);
int kdep_outcommit(struct kdep_out *o);
void kdep_outabort(struct kdep_out *o);

/*
 * The lines of text[0..len) (text.c): after kdep_linesinit, each
 * kdep_nextline that returns 1 sets s and len to the next line, without
 * its '\n', and no to its number, from 1; it returns 0 at the end.
 */
struct kdep_lines {
	const char *p, *end; /* what is left */
	const char *s;       /* the current line */
	size_t len;
	unsigned no;
};
void kdep_linesinit(struct kdep_lines *l, const char *text, size_t len);
int kdep_nextline(struct kdep_lines *l);
/*
 * The next word of s[*at..len), words being separated by runs of the
 * bytes of the string seps: 1 with *w and *wlen set and *at just past the
 * word, 0 when nothing but separators is left (text.c).
 */
int kdep_nextword(const char *s, size_t len, size_t *at, const char *seps,
		  const char **w, size_t *wlen);

/*
 * Kconfig's formats, for every reader of them (kconfig.c): a line
 * s[0..len) that is "CONFIG_NAME=VALUE" gives 1 with the name (up to the
 * first '=') and the value (all after it); any other line gives 0.
 */
int kdep_confsplit(const char *s, size_t len, const char **name,
		   size_t *nlen, const char **val, size_t *vlen);
/*
 * A string value: s[0..n) is the text after its opening '"'.  A backslash
 * takes the next byte literally, as kconfig and Kconfiglib read it (a lone
 * last one is kept).  The text up to the first unescaped '"' is appended
 * to out; *used gets the bytes read before that quote, n if there is none.
 */
int kdep_confunescape(const char *s, size_t n, struct kdep_buf *out,
		      size_t *used);
/*
 * The auto.conf line of symbol name, also its stamp's content: n is
 * "# CONFIG_NAME is not set", a string is quoted (kconfig.c).
 */
int kdep_confline(struct kdep_buf *out, const char *name,
		  enum kdep_confkind kind, const char *val);

/* 1 if s (len bytes) ends with the string suffix. */
/* 1 if s[0..len) starts (ends) with the string prefix (suffix); text.c */
int kdep_startswith(const char *s, size_t len, const char *prefix);
int kdep_endswith(const char *s, size_t len, const char *suffix);

/*
 * Add s to set like kdep_nameset_add, and point *val at the value slot
 * that goes with it (NULL for a new name).  The slot stays where it is
 * until the set is freed.  1 if added, 0 if present, KDEP_ENOMEM.
 */
int kdep_nameset_put(struct kdep_nameset *set, const char *s, size_t n,
		     void ***val);
/*
 * Room for n more names at once: growing step by step allocates and
 * zeroes every smaller table on the way.  0 or KDEP_ENOMEM.
 */
int kdep_nameset_reserve(struct kdep_nameset *set, size_t n);
/* 1 if s is in set. */
int kdep_nameset_has(const struct kdep_nameset *set, const char *s, size_t n);
/* The value slot of s in set, or NULL if s is not in it. */
void **kdep_nameset_get(const struct kdep_nameset *set, const char *s,
			size_t n);
/* Call fn on every non-NULL value (to free them). */
void kdep_nameset_each(struct kdep_nameset *set, void (*fn)(void *val));

/*
 * Records (record.c writes them, check.c reads them).  STATTEXT bounds
 * the "dev ino size mtime ctime" text of kdep_stattext; the checker
 * compares that text, not numbers, since one function writes both.
 */
#define STATTEXT 128
extern const char kdep_recordhead[];
size_t kdep_stattext(char *out, const struct stat *st);
/* v as 16 lowercase hex digits at p (no NUL). */
void kdep_puthex(char *p, uint64_t v);
/* The record's value text of sym (NULL: unset) into b, replaced. */
int kdep_confvalue(struct kdep_buf *b, const struct kdep_confsym *sym);

/* n bytes as "1.23 MB" with sep before the unit (stats.c). */
int kdep_humanbytes(struct kdep_buf *b, uint64_t n, const char *sep);

/*
 * Why the checker's last check found no usable record ("no record", "is
 * unreadable", "is corrupt", ...; NULL if it found one), and *record
 * the record's path (check.c).
 */
const char *kdep_checker_norecord(const struct kdep_checker *c,
				  const char **record);

/* 1 if time a is before time b. */
static inline int kdep_before(const struct timespec *a,
			      const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * Git's racy rule (record.c and cache.c describe where they use it):
 * stat data taken of a file stand for its content only if its mtime and
 * ctime are both before t, a time read back from the same filesystem
 * after the content was read - a record's or a cache's own mtime, not
 * the clock.  A file changed in t's tick or later could change again
 * without its stat data showing it: it is racy, and must be read.
 */
static inline int kdep_racy(const struct stat *st, const struct timespec *t)
{
	return !kdep_before(&st->st_mtim, t) || !kdep_before(&st->st_ctim, t);
}

/*
 * ASCII classes: never depend on the locale.  A table, because symbol
 * names are read a byte at a time in the hottest loops (stamp.c has it).
 */
extern const unsigned char kdep_identtab[256];

static inline int kdep_isident(unsigned char c)
{
	return kdep_identtab[c];
}

/*
 * autoksyms (ksyms.c): a symbol name is an identifier of at most
 * KDEP_MAXSYM bytes; kdep_issym says if s[0..len) is one.  kdep_badsym
 * explains why it is not, as KDEP_EDATA "FILE:LINE: WHAT: ..." (no
 * ":LINE" when line is 0), without echoing bytes that could break the
 * line.  kdep_strpcmp is qsort's bytewise order of an array of strings.
 */
#define KDEP_MAXSYM 1024
int kdep_issym(const char *s, size_t len);
int kdep_badsym(const char *file, unsigned line, const char *what,
		const char *s, size_t len);
int kdep_strpcmp(const void *a, const void *b);

#endif
