/*
 * kdep.h - libkdep: kernel build dependencies, decided by content.
 *
 * libkdep turns a compiler's depfile into the .cmd file kbuild reads,
 * byte for byte as the kernel's scripts/basic/fixdep does, and records
 * what each target was built from by content hash, so that a build
 * rebuilds what changed rather than what was touched.  The same library
 * answers GNU make from inside it (kdep.so), rewrites depfiles for ninja
 * (kdep cc), writes kconfig's and autoksyms's stamps, and answers
 * questions about a build's dependency graph.
 *
 * Entry points (part 1 of this file; part 2 holds their building blocks):
 *
 *   kdep_fixdep()        depfile -> .cmd text, byte for byte upstream's;
 *                        kdep_fixdep_run() the whole run, as fixdep does it
 *   kdep_record_new()    ... and what the target was built from, by content
 *   kdep_check()         is a target fresh by content?  kdep_answer() puts
 *                        it as make asks it (newer-prereqs; kdep.so)
 *   kdep_syncconfig()    kconfig's stamp sync; kdep_ksyms_*() autoksyms
 *   kdep_launch_rewrite() per-symbol depfiles for ninja (kdep cc)
 *   kdep_graph_*()       a build's .cmd files as a graph (why, impact, stats)
 *
 * A compile, then its staleness check (errors omitted):
 *
 *	struct kdep_fixdep f = {kdep_profile("linux-6.3"), ".a.o.d", "a.o",
 *				"gcc -c -o a.o a.c"};
 *	struct kdep_record *r = kdep_record_new(f.target, f.depfile,
 *						f.cmdline);
 *	struct kdep_buf cmd = {0};
 *
 *	kdep_record_config(r, "include/config/auto.conf", KDEP_FLAT);
 *	f.seen = kdep_record_seen, f.seenctx = r, f.configbyname = 1;
 *	kdep_fixdep(&f, &cmd);                  // write cmd.data to .a.o.cmd
 *	kdep_record_write(r);                   // then .a.o.kdep
 *	kdep_record_free(r);
 *	kdep_buffree(&cmd);
 *
 *	struct kdep_checker *c = kdep_checker_new(0);
 *	struct kdep_query q = {.target = "a.o"};
 *	int v = kdep_check(c, &q);      // KDEP_FRESH, _STALE or _NORECORD
 *	kdep_checker_free(c);
 *
 * One .c per concern; each section heading below names its file.  The
 * tools are thin: tools/fixdep.c is kdep_fixdep_run() plus options,
 * tools/kdep.c one library call per command, tools/autoksyms.c the
 * autoksyms section.
 *
 * Conventions:
 *   - Functions that can fail return 0 (or a count) on success and a
 *     negative KDEP_E* code on failure; kdep_errmsg() then holds a one-line
 *     message naming the file (and line) at fault.  kdep_exitcode() maps a
 *     code to the exit status upstream tools use.
 *   - The library never exits, never prints, and frees what it allocates.
 *     Objects it hands out are released with the matching *_free().
 *   - Lengths are explicit; names and paths need not be NUL-terminated
 *     unless a parameter says "string".
 */
#ifndef KDEP_H
#define KDEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KDEP_API __attribute__((visibility("default")))
#else
#define KDEP_API
#endif

/* ---- errors (error.c) ------------------------------------------------ */

enum {
	KDEP_EDATA = -1,  /* malformed input or usage: upstream exit 1 */
	KDEP_EIO = -2,    /* a file could not be opened/read/stat'ed: exit 2 */
	KDEP_ENOMEM = -3, /* out of memory: exit 1 */
	KDEP_EWRITE = -4, /* output could not be written: exit 1 */
	/*
	 * A file or folder (or a folder on its path) does not exist: the
	 * KDEP_EIO of a missing file, told apart so that callers need not
	 * look at errno.  Exit 2, like KDEP_EIO.
	 */
	KDEP_ENOENT = -5,
};

/* The message of this thread's last error, without "fixdep: " or newline. */
KDEP_API const char *kdep_errmsg(void);
/*
 * The KDEP_E* code of this thread's last error: for the calls that
 * return a pointer (NULL on failure).
 */
KDEP_API int kdep_errcode(void);
/* The exit status upstream tools use for error code err (1 or 2). */
KDEP_API int kdep_exitcode(int err);

/* ---- the types every call uses (buf.c stamp.c depfile.c scan.c) ------ */

/* A byte buffer; data is always NUL-terminated (not counted in len). */
struct kdep_buf {
	char *data;
	size_t len, cap;
};

/* Make room for n more bytes (plus the NUL) without changing len. */
KDEP_API int kdep_bufreserve(struct kdep_buf *b, size_t n);
KDEP_API int kdep_bufadd(struct kdep_buf *b, const void *p, size_t n);
KDEP_API int kdep_bufputs(struct kdep_buf *b, const char *s);
KDEP_API int kdep_bufprintf(struct kdep_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
KDEP_API void kdep_buffree(struct kdep_buf *b);

/* How stamp files are named (stamp.c). */
enum kdep_layout {
	KDEP_FLAT,  /* <dir>/<NAME>, kernels >= 5.13 (config), 5.15 (ksym) */
	KDEP_SPLIT, /* <dir>/<lower, '_'->'/', '/' runs collapsed>.h */
};

/* Which rules a depfile is read by (depfile.c). */
enum kdep_dialect {
	/* fixdep <= 6.2: separators ' ' '\\' '\n'; "word:" is a target. */
	KDEP_DIALECT_KBUILD,
	/* fixdep >= 6.3: '#' comments, tabs, "\#" "\:" unescaped. */
	KDEP_DIALECT_KBUILD63,
	/* GNU make as gcc/clang write it, with ninja's escape rules. */
	KDEP_DIALECT_MAKE,
};

/* What counts as a symbol in a source or header (scan.c). */
struct kdep_scanopts {
	const char *const *prefixes; /* NULL-terminated; NULL = {"CONFIG_"} */
	int boundary; /* skip a match preceded by [A-Za-z0-9_] (4.17+) */
};

/* ==================================================================== */
/*  Part 1: what a build calls, in about the order it calls it.          */
/* ==================================================================== */

/* ---- compatibility profiles (profile.c) ------------------------------ */

struct kdep_profile {
	const char *name;            /* "linux-6.3" */
	const char *cmdvar;          /* "cmd" or "savedcmd" */
	enum kdep_dialect dialect;
	enum kdep_layout layout;     /* of config stamps */
	const char *configdir;       /* "include/config" */
	const char *const *ignore;   /* suffixes neither listed nor scanned */
	const char *const *noscan;   /* suffixes listed but not scanned */
	struct kdep_scanopts scan;
	int extradeps;               /* accepts -e (extra deps on stdin) */
};

/* The profile called name, or NULL. */
KDEP_API const struct kdep_profile *kdep_profile(const char *name);
/* The profile for kernel version.patchlevel; the newest for 0, 0. */
KDEP_API const struct kdep_profile *kdep_profile_for(int version,
						       int patchlevel);
/* NULL-terminated list of all profiles, oldest first. */
KDEP_API const struct kdep_profile *const *kdep_profiles(void);
/*
 * The profile a tool uses: name if not NULL, else $KDEP_COMPAT, else the
 * version of the kernel tree in the current folder (./Makefile), else the
 * newest.  NULL with KDEP_EDATA for an unknown name.
 */
KDEP_API const struct kdep_profile *kdep_profile_select(const char *name);
/*
 * VERSION and PATCHLEVEL from a kernel tree's top Makefile (string path).
 * 0 on success, KDEP_EIO if unreadable, KDEP_EDATA if it is not a kernel
 * Makefile.
 */
KDEP_API int kdep_kernelversion(const char *makefile, int *version,
				int *patchlevel);

/* ---- fixdep: depfile -> .cmd (fixdep.c) ------------------------------ */

/* What fixdep saw: each file it read or listed, each stamp it printed. */
enum kdep_seenkind {
	KDEP_SEEN_SOURCE, /* the source_ file */
	KDEP_SEEN_DEP,    /* a listed dependency */
	KDEP_SEEN_STAMP,  /* a config/ksym stamp path, with its state */
	KDEP_SEEN_CONFIG, /* a CONFIG symbol by name (configbyname): path is
			     its stamp, st is NULL and the stamp unread */
};
struct kdep_seen {
	enum kdep_seenkind kind;
	const char *path;      /* string */
	const struct stat *st; /* NULL: the file does not exist */
	uint64_t hash;         /* kdep_hash of the content, when st is set */
	int unreadable;        /* st NULL: it exists but could not be read */
	const char *name;      /* KDEP_SEEN_CONFIG: the symbol, no prefix */
	size_t namelen;
};
/*
 * Files fixdep only lists (stamps, .rlib) are hashed only when a seen
 * callback is set, through the cache when there is one.
 */
typedef int (*kdep_seenfn)(void *ctx, const struct kdep_seen *s);

struct kdep_cache;

struct kdep_fixdep {
	const struct kdep_profile *prof;
	const char *depfile, *target, *cmdline; /* strings */
	/* -e: extra dependency lines (NULL: none); see fixdep.c. */
	const char *extra;
	size_t extralen;
	kdep_seenfn seen; /* optional */
	void *seenctx;
	struct kdep_cache *cache; /* optional scan cache (cache.c) */
	/*
	 * Tell seen of CONFIG symbols by name (KDEP_SEEN_CONFIG) instead of
	 * by their stamps' state: a record that keeps symbols' values
	 * (kdep_record_config) needs no stamp read or stat'ed.
	 */
	int configbyname;
};

/*
 * Produce the .cmd text for one compile into out (appended), exactly as
 * the profile's upstream fixdep prints it.  Nothing is written anywhere:
 * on error out holds a partial text the caller must not use.
 */
KDEP_API int kdep_fixdep(const struct kdep_fixdep *f, struct kdep_buf *out);

/*
 * A whole fixdep run, as the fixdep program makes it: kdep_fixdep()'s
 * text written out, and the target's record kept, in the order that
 * keeps a build right when a run fails or is killed (fixdeprun.c): the
 * .cmd first, the record last - a record never claims more than the .cmd
 * says.  Without record, the target's old record is removed first.
 */
struct kdep_fixdeprun {
	const struct kdep_profile *prof;
	const char *depfile, *target, *cmdline; /* strings */
	const char *cmdfile; /* the .cmd, written atomically; NULL: cmdfd */
	int cmdfd;           /* where it goes without cmdfile (stdout: 1) */
	/*
	 * Read kdep_fixdep's extra lines from standard input; a profile
	 * without extradeps refuses it (KDEP_EDATA) before anything is
	 * read or written.
	 */
	int extradeps;
	const char *cachedir; /* scan cache folder; NULL or "": none */
	int record;           /* also write the record (kdep_record_new) */
	/* CONFIG values for the record (kdep_record_config); NULL: the
	   profile's configdir/auto.conf when it exists, else stamps are
	   recorded by state */
	const char *autoconf;
	/* NULL-terminated (or NULL): more files to record by content */
	const char *const *inputs;
};
/*
 * Run it; 0 or the first error.  A failed descriptor write is upstream's
 * "not all data was written to the output" (KDEP_EWRITE).
 */
KDEP_API int kdep_fixdep_run(const struct kdep_fixdeprun *r);
/*
 * The profile for kernel version (string "V.P", as kbuild's
 * $(VERSION).$(PATCHLEVEL)); NULL with KDEP_EDATA if it is not V.P.
 */
KDEP_API const struct kdep_profile *kdep_profile_kernel(const char *version);

/* ---- scan cache (cache.c) -------------------------------------------- */

/*
 * Per-file scan results shared by the fixdep runs of one build, so each
 * version of a header is read and scanned once (format, racy rule and
 * concurrency in cache.c).  Safe under make -j; a damaged cache only costs
 * a rescan.  Set kdep_fixdep.cache to use it.
 */
KDEP_API int kdep_cache_open(struct kdep_cache **c, const char *dir,
			     const struct kdep_scanopts *o);
KDEP_API void kdep_cache_close(struct kdep_cache *c);

/* ---- dependency records (record.c) ----------------------------------- */

/*
 * A record lists what one target was built from, with content hashes, so
 * that staleness is decided by content, not by mtimes (format and rules in
 * record.c).  fixdep --record builds one through its seen callback.
 */
struct kdep_record;

/*
 * A record for target built by cmdline (strings).  The target must exist:
 * files whose mtime is not older than the target's (or depfile's, if not
 * NULL) are recorded as unknown - they may have changed while it was
 * built - so the next check finds it stale.
 */
KDEP_API struct kdep_record *kdep_record_new(const char *target,
					     const char *depfile,
					     const char *cmdline);
/*
 * A kdep_seenfn: pass it with the record as ctx to kdep_fixdep().  The
 * text goes out in pieces to a temporary file as it grows, so this can
 * fail with KDEP_EWRITE.
 */
KDEP_API int kdep_record_seen(void *ctx, const struct kdep_seen *s);
/*
 * Finish the record and put it in place atomically next to its target
 * (kdep_recordpath); once.  Freeing a record not written removes its
 * temporary file: the old record stays.
 */
KDEP_API int kdep_record_write(struct kdep_record *r);
KDEP_API void kdep_record_free(struct kdep_record *r);
/*
 * Record one more input of the target by content (string path): a
 * prerequisite the depfile does not list, such as the tool a rule runs.
 * A missing file is recorded absent.
 */
KDEP_API int kdep_record_input(struct kdep_record *r, const char *path);
/*
 * Remove target's record, if any: a target built without one must not
 * be vouched for by a record of an older build.
 */
KDEP_API int kdep_record_remove(const char *target);
/* The record path of target: "dir/foo.o" -> "dir/.foo.o.kdep". */
KDEP_API int kdep_recordpath(struct kdep_buf *out, const char *target);

/*
 * Keep CONFIG symbols by value, read from autoconf (string; kbuild's
 * include/config/auto.conf), instead of by their stamps' state; their
 * stamps are in autoconf's folder, in layout.  Call before kdep_fixdep
 * with configbyname set.  KDEP_ENOENT or KDEP_EIO if autoconf cannot be
 * read, KDEP_EDATA if it does not parse.
 */
KDEP_API int kdep_record_config(struct kdep_record *r, const char *autoconf,
				enum kdep_layout layout);

/* ---- checking by content (check.c answer.c) -------------------------- */

/*
 * A checker answers for many targets; it hashes each version
 * of a file at most once and keeps config values per auto.conf.
 */
enum kdep_checkflags {
	/*
	 * Files may change between checks (inside make, which regenerates
	 * files as it goes): stat every file again for each target and
	 * trust a kept hash only while the stat data are the same (and
	 * the file's ctime is 2 seconds old: timestamps may be coarse).
	 */
	KDEP_CHECK_RESTAT = 1,
	/*
	 * When a record's content checks out but some stat data moved
	 * (a touch, a checkout back and forth), rewrite the record with
	 * the new stat data, so the next check needs no hashing.
	 */
	KDEP_CHECK_REFRESH = 2,
};
KDEP_API struct kdep_checker *kdep_checker_new(unsigned flags);
KDEP_API void kdep_checker_free(struct kdep_checker *c);

/* A check's answer. */
enum kdep_verdict {
	KDEP_FRESH = 0,
	KDEP_STALE = 1,
	/*
	 * No usable record: none, unreadable, corrupt, of another version,
	 * or older than the target.  The caller decides as it would without
	 * libkdep (make: by mtimes).
	 */
	KDEP_NORECORD = 2,
};

/* Why something counts as changed. */
enum kdep_change {
	KDEP_CHANGED,    /* content differs */
	KDEP_APPEARED,   /* was absent when the target was built */
	KDEP_VANISHED,   /* was there, is gone */
	KDEP_UNSURE,     /* changed while the target was built, or unreadable */
	KDEP_CONFIG,     /* a CONFIG value differs (path: the stamp) */
	KDEP_NOCONFIG,   /* the auto.conf of the record is missing or bad */
	KDEP_UNRECORDED, /* newer by make's account, and not in the record */
	KDEP_CMDLINE,    /* the command line differs (path: NULL) */
	KDEP_MISSING,    /* the target does not exist (path: the target) */
};
/* "changed", "appeared", ... as kdep stale -v prints them. */
KDEP_API const char *kdep_changetext(enum kdep_change why);

/* Receives each change; detail (may be NULL) is e.g. "y -> n". */
typedef void (*kdep_changefn)(void *ctx, const char *path,
			      enum kdep_change why, const char *detail);

struct kdep_query {
	const char *target;  /* string */
	const char *cmdline; /* NULL: not compared */
	/*
	 * What make found newer than the target (may be none).  Those the
	 * record covers are judged by content; the others count as changed
	 * (KDEP_UNRECORDED): explicit prerequisites, new headers.
	 */
	const char *const *newer;
	size_t nnewer;
	kdep_changefn fn; /* NULL: stop at the first change */
	void *ctx;
};

/*
 * Is q->target fresh by content?  Every recorded file whose content
 * differs (whatever its mtime), every CONFIG value that differs, every
 * input that appeared or vanished, and every unrecorded newer name is a
 * change, told to q->fn.  Returns a kdep_verdict, or < 0 on an error (a
 * caller inside a build should then rebuild).
 */
KDEP_API int kdep_check(struct kdep_checker *c, const struct kdep_query *q);

/*
 * make's question for target, answered by content: newer is what make
 * found newer (space-separated, as $?), out receives the names that
 * count as changed, space-separated - what kbuild's newer-prereqs
 * should be.  Empty when fresh; newer itself when there is no usable
 * record; on an error newer and the target (make rebuilds: on doubt,
 * rebuild) and the error code is returned.  A changed command line is
 * not named: kbuild compares command lines itself.  fn (may be NULL)
 * hears of each change as kdep_check tells it.
 */
KDEP_API int kdep_answer(struct kdep_checker *c, const char *target,
			 const char *newer, struct kdep_buf *out,
			 kdep_changefn fn, void *ctx);

/* Receives "target: reason" lines, e.g. "a.o: b.h changed". */
typedef void (*kdep_reasonfn)(void *ctx, const char *target,
			      const char *reason);
/*
 * kdep_check without make's list, reasons as lines: KDEP_FRESH,
 * KDEP_STALE (also for a missing target), KDEP_NORECORD ("no record" or
 * "RECORD is corrupt" is told), or < 0.
 */
KDEP_API int kdep_stale(struct kdep_checker *c, const char *target,
			const char *cmdline, kdep_reasonfn fn, void *ctx);

/* ---- kbuild content mode (kbuild.c) ---------------------------------- */

/*
 * The makefile `kdep make` names in MAKEFILES for a kernel tree at dir
 * (its source or O= folder; strings), appended to out: it loads plugin
 * (kdep.so), answers kbuild's newer-prereqs with it and runs fixdep
 * (ours, with records) where the tree runs scripts/basic/fixdep.
 * KDEP_EDATA "FILE: why" for a tree without the hooks (before 5.15).
 */
KDEP_API int kdep_kbuildmk(const char *dir, const char *plugin,
			   const char *fixdep, struct kdep_buf *out);
/* Remove every record (.*.kdep) under dir; *count gets how many. */
KDEP_API int kdep_removerecords(const char *dir, size_t *count);

/* ---- kconfig's stamp sync (sync.c) ----------------------------------- */

struct kdep_syncopts {
	const char *config;     /* the new .config or auto.conf (string) */
	const char *dir;        /* stamps and old auto.conf; NULL: include/config */
	const char *autoheader; /* NULL: include/generated/autoconf.h; "": none */
	enum kdep_layout layout;
};

struct kdep_syncstats {
	size_t symbols; /* assignments in the new config, n included */
	size_t changed; /* symbols whose value changed since <dir>/auto.conf */
	size_t written; /* stamps rewritten (changed, unless already right) */
	int autoheader; /* 1 if autoconf.h was rewritten */
	int autoconf;   /* 1 if <dir>/auto.conf was rewritten */
	unsigned ignored, firstignored; /* of the new config: kdep_config */
};

/*
 * What kconfig does when it writes auto.conf: compare the new config with
 * <dir>/auto.conf (missing: all n) and give every changed symbol a new
 * stamp holding its auto.conf line ("# CONFIG_X is not set" for n), with
 * an mtime later than the call's start; then write autoconf.h and
 * auto.conf, each only if its content changed.  Unchanged stamps are not
 * touched.  st (may be NULL) receives the counts.
 */
KDEP_API int kdep_syncconfig(const struct kdep_syncopts *o,
			     struct kdep_syncstats *st);

/* ---- autoksyms (autoksyms.c ksyms.c ksymread.c ksymdeps.c) ----------- */

/*
 * CONFIG_TRIM_UNUSED_KSYMS: the work of the kernel's adjust_autoksyms.sh,
 * gen_autoksyms.sh and gen_ksymdeps.sh.  Described where they are made:
 * symbol names and the header in ksyms.c, the input rules in ksymread.c,
 * the ksymdeps block in ksymdeps.c, the stamp contents in autoksyms.c.
 */

/* A list of symbol names; sorted and unique after kdep_ksyms_sort(). */
struct kdep_ksyms;

/* A new empty list, or NULL (KDEP_ENOMEM). */
KDEP_API struct kdep_ksyms *kdep_ksyms_new(void);
/* The number of names in l. */
KDEP_API size_t kdep_ksyms_count(const struct kdep_ksyms *l);
/* Name i of l (a string), i < kdep_ksyms_count(l). */
KDEP_API const char *kdep_ksyms_name(const struct kdep_ksyms *l, size_t i);
/* Add name (len bytes) at the end of l: 0 or KDEP_ENOMEM. */
KDEP_API int kdep_ksyms_add(struct kdep_ksyms *l, const char *name,
			    size_t len);
/* Sort bytewise (as LC_COLLATE=C) and drop duplicates. */
KDEP_API int kdep_ksyms_sort(struct kdep_ksyms *l);
/* 1 if the sorted list l holds name (len bytes), else 0. */
KDEP_API int kdep_ksyms_has(const struct kdep_ksyms *l, const char *name,
			    size_t len);
/* Free l and its names (NULL does nothing). */
KDEP_API void kdep_ksyms_free(struct kdep_ksyms *l);

/* Where a build root keeps things; NULL fields take the 6.1 defaults. */
struct kdep_autoksyms {
	const char *modorder;    /* modules.order and each .ko's .usyms;
				    NULL: none (gen_autoksyms.sh alone) */
	const char *modverdir;   /* 4.14: line 3 of DIR/<m>.mod (NULL: none) */
	const char *autoconf;    /* "include/config/auto.conf" */
	const char *abs_srctree; /* prefix of a relative whitelist ("") */
	const char *header;      /* "include/generated/autoksyms.h" */
	const char *ksymdir;     /* stamp folder, "include/ksym" */
	enum kdep_layout layout; /* of the stamps (KDEP_FLAT) */
};

/*
 * The symbols modules need, as gen_autoksyms.sh lists them, into out
 * (sorted).  KDEP_EDATA names file:line for a bad symbol; a missing
 * whitelist is "ERROR: 'PATH' whitelist file not found" (KDEP_EDATA).
 */
KDEP_API int kdep_ksyms_needed(const struct kdep_autoksyms *a,
			       struct kdep_ksyms *out);
/* The autoksyms.h text for the sorted list l, appended to out. */
KDEP_API int kdep_ksyms_header(const struct kdep_ksyms *l,
			       struct kdep_buf *out);
/*
 * The symbols of an existing autoksyms.h (path string) into out, sorted;
 * *count (if not NULL) gets its "#define __KSYM_" lines.  A missing file is
 * an empty list; a malformed "#define __KSYM_" line is KDEP_EDATA.
 */
KDEP_API int kdep_ksyms_readheader(const char *path, struct kdep_ksyms *out,
				   size_t *count);
/* gen_autoksyms.sh: write the header of kdep_ksyms_needed() to path. */
KDEP_API int kdep_ksyms_gen(const struct kdep_autoksyms *a, const char *path);

/* What one adjust_autoksyms.sh run would change. */
struct kdep_ksymplan {
	struct kdep_ksyms *old;     /* in the current header */
	struct kdep_ksyms *want;    /* needed now */
	struct kdep_ksyms *changed; /* added or removed, sorted */
	size_t before, after;       /* symbol lines: old header, new header */
	struct kdep_buf text;       /* the new header */
};

/*
 * Compute the plan; nothing is written.  Free it with kdep_ksymplan_free
 * (on failure it holds nothing, and freeing it is harmless).
 */
KDEP_API int kdep_ksyms_plan(const struct kdep_autoksyms *a,
			     struct kdep_ksymplan *p);
/*
 * Carry the plan out: the new header goes to <header>.tmpnew, then each
 * changed symbol's stamp is written (kdep_ksymstamp, mtime after the new
 * header's), then the header is renamed into place.  A crash in between
 * leaves the old header, so the next run redoes the change.
 */
KDEP_API int kdep_ksyms_apply(const struct kdep_autoksyms *a,
			      const struct kdep_ksymplan *p);
KDEP_API void kdep_ksymplan_free(struct kdep_ksymplan *p);
/*
 * The stamp path of symbol name (len bytes), appended to out: under
 * a->ksymdir ("include/ksym" if NULL) in a->layout, as kdep_stamppath
 * spells it.  A name that is not a symbol name is KDEP_EDATA.
 */
KDEP_API int kdep_ksymstamppath(const struct kdep_autoksyms *a,
				const char *name, size_t len,
				struct kdep_buf *out);
/*
 * Write the stamp of symbol name (len bytes) for state needed (1 or 0):
 * its content always changes (see autoksyms.c) and its mtime is made
 * strictly later than *after (if not NULL); *mtime (if not NULL) gets it.
 * Returns 1.
 */
KDEP_API int kdep_ksymstamp(const struct kdep_autoksyms *a, const char *name,
			    size_t len, int needed,
			    const struct timespec *after,
			    struct timespec *mtime);
/*
 * gen_ksymdeps.sh: the ksymdeps_ block for object obj (path string, read
 * with kdep_elf_symbols), appended to out; nothing when it has no
 * __ksym_marker_ symbol.  ksymdir NULL means "include/ksym".
 */
KDEP_API int kdep_ksymdeps(const char *obj, const char *ksymdir,
			   enum kdep_layout layout, struct kdep_buf *out);

/* ---- compiler launcher (launch.c, spawn.c) --------------------------- */

/*
 * The depfile a gcc or clang command line (argv[0] the compiler, NULL-
 * terminated) writes, appended to out: -Wp,-MD,FILE or -Wp,-MMD,FILE; -MF
 * FILE with -M, -MM, -MD or -MMD; else, with -MD or -MMD, the -o file's
 * name, or the first input's base name, with its suffix replaced by ".d".
 * 1 if there is one, 0 if the command writes none, KDEP_ENOMEM.
 */
KDEP_API int kdep_depfileof(char *const *argv, struct kdep_buf *out);

struct kdep_launch {
	const char *depfile;          /* string */
	const char *const *autoconf;  /* NULL-terminated; NULL: "autoconf.h" */
	const char *configdir;        /* NULL: "include/config" */
	enum kdep_layout layout;      /* of the stamps */
	struct kdep_scanopts scan;
	struct kdep_cache *cache;     /* optional scan cache */
};

/*
 * Rewrite l->depfile in place, atomically, for ninja (rules in launch.c):
 * each autoconf header it lists (equal to an l->autoconf name or ending in
 * "/" and one) is replaced by the stamps of the symbols the other files
 * use, and stamps that do not exist are created as empty placeholders
 * dated 1970-01-01 00:00:01.  1 if rewritten, 0 if it lists no autoconf
 * header (left as it is); on error the depfile is left as it was.
 */
KDEP_API int kdep_launch_rewrite(const struct kdep_launch *l);

/*
 * Run argv (argv[0] searched in PATH, no shell) with this process's
 * stdin, stdout and stderr, and wait for it; SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM, SIGUSR1 and SIGUSR2 sent to the caller meanwhile are passed on
 * to it (their handlers are restored after).  *status gets the wait
 * status.  KDEP_EIO "cannot run NAME: strerror" if it cannot be started.
 */
KDEP_API int kdep_spawn(char *const *argv, int *status);

/* ---- dependency queries (graph.c impact.c stats.c report.c why.c) ---- */

/*
 * A build's dependency graph: every path once (an integer id), every
 * target with what it was built from.  Loaded from the .cmd files of a
 * build folder, kept compact (graph.c says how).
 */
struct kdep_graph;

/* Receives a one-line warning, e.g. for a .cmd file that was skipped. */
typedef void (*kdep_warnfn)(void *ctx, const char *msg);

/*
 * A graph whose paths are relative to root (string; NULL or "" for the
 * current folder), as kbuild writes them from the build folder.
 */
KDEP_API struct kdep_graph *kdep_graph_new(const char *root);
KDEP_API void kdep_graph_free(struct kdep_graph *g);
/*
 * Add the targets of one .cmd text (file names it); all or nothing: a
 * malformed file adds nothing and is KDEP_EDATA "FILE:LINE: what".
 */
KDEP_API int kdep_graph_addcmd(struct kdep_graph *g, const char *file,
			       const char *data, size_t len);
/*
 * Add every .cmd file (".NAME.cmd") under the graph's root, in name
 * order, without following symbolic links.  A malformed or unreadable
 * .cmd file is skipped with a warning to warn (may be NULL); a folder
 * that cannot be listed is an error.  Returns the number of files added.
 */
KDEP_API int kdep_graph_load(struct kdep_graph *g, kdep_warnfn warn,
			     void *ctx);

/* Counts of what a graph holds. */
struct kdep_graphinfo {
	size_t cmdfiles;   /* .cmd files added */
	size_t skipped;    /* .cmd files skipped as malformed or unreadable */
	uint64_t cmdbytes; /* bytes of .cmd text read (added or not) */
	size_t targets;    /* every target with a cmd_ line or a block */
	size_t paths;      /* distinct paths */
	size_t edges;      /* target -> path, each pair once */
};
KDEP_API void kdep_graph_info(const struct kdep_graph *g,
			      struct kdep_graphinfo *gi);

/* A target as the graph has it (pointers valid until the graph is freed). */
struct kdep_target {
	const char *name;    /* string */
	const char *source;  /* string, or NULL without source_ */
	const char *cmdfile; /* the .cmd file it came from */
	int hascmd;          /* it had a cmd_/savedcmd_ line */
	size_t ndeps;        /* distinct paths it depends on */
};

/* Target number i (0 <= i < targets), in the order they were added. */
KDEP_API int kdep_graph_target(const struct kdep_graph *g, size_t i,
			       struct kdep_target *t);
/* The number of the target called name (string), or -1. */
KDEP_API long kdep_graph_findtarget(const struct kdep_graph *g,
				    const char *name);

enum kdep_pathkind {
	KDEP_PATH_FILE,   /* a file a compile read (source or header) */
	KDEP_PATH_CONFIG, /* a config stamp, include/config/... */
	KDEP_PATH_KSYM,   /* a ksym stamp, include/ksym/... */
	KDEP_PATH_OTHER,  /* another $(wildcard) prerequisite */
};
/*
 * Call fn(ctx, path, len, kind) for each path target i depends on, each
 * once, in the order first listed (source first).
 */
typedef int (*kdep_pathfn)(void *ctx, const char *path, size_t len,
			   enum kdep_pathkind kind);
KDEP_API int kdep_graph_deps(const struct kdep_graph *g, size_t i,
			     kdep_pathfn fn, void *ctx);

/* Output switches for the queries below. */
enum {
	KDEP_OUT_JSON = 1,  /* JSON instead of text */
	KDEP_OUT_COUNT = 2, /* impact: the count only */
};

/*
 * kdep impact: the targets that would be rebuilt if any of what[0..n)
 * changed - a path as the .cmd files spell it, or a CONFIG_NAME (its
 * stamp in either layout) - the targets that list it, and the targets
 * that list those, and so on; sorted, appended to out as text (one per
 * line, then "N targets") or JSON.  A name no .cmd file lists is
 * KDEP_EDATA.  Returns the count.
 */
KDEP_API long kdep_impact(struct kdep_graph *g, const char *const *what,
			  size_t n, int flags, struct kdep_buf *out);

/*
 * kdep stats / kdep report: the dependency-hell figures of a graph.
 * File sizes are stat()ed under the root once per distinct path (a
 * missing file counts 0 bytes).
 */
struct kdep_statrow {
	const char *name; /* a path, a CONFIG_ name or an object (string) */
	size_t n;         /* headers: fan-in; configs: users; objects: headers */
	uint64_t size;    /* headers: bytes; objects: bytes read */
	uint64_t cost;    /* headers: fan-in x size */
	uint64_t rebuild; /* headers: bytes the users read, to rebuild them */
};

struct kdep_stats {
	struct kdep_graphinfo info;
	size_t objects; /* targets with a source_ or deps_ list */
	size_t headers; /* distinct files listed, sources not counted */
	size_t configs; /* distinct CONFIG symbols listed */
	/* per object: headers (median, 90th percentile, max) */
	size_t hdrmed, hdrp90, hdrmax;
	/* per object: header bytes read (median, p90, max) */
	uint64_t bytesmed, bytesp90, bytesmax;
	uint64_t hdrbytes;  /* header bytes read by the whole build */
	uint64_t allbytes;  /* sources and headers: what compiles read */
	uint64_t srcbytes;  /* sources alone */
	/* all rows, sorted: headers by cost (ties: fan-in, name), by
	   fan-in; configs by users; objects by headers (then bytes) */
	struct kdep_statrow *bycost, *byfanin, *configrows, *objectrows;
	size_t nheaders, nconfigs, nobjects;
	size_t *hist;       /* objects with hdr count in [i*width, (i+1)*width) */
	size_t nhist, histwidth;
	struct kdep_buf names; /* where made row names live (kdep_stats_free) */
};

KDEP_API int kdep_stats(struct kdep_graph *g, struct kdep_stats *st);
KDEP_API void kdep_stats_free(struct kdep_stats *st);
/* The stats as text tables (top rows of each list) or JSON, to out. */
KDEP_API int kdep_stats_print(const struct kdep_stats *st, size_t top,
			      int flags, struct kdep_buf *out);
/*
 * One self-contained HTML5 page (report.c): the stats, a histogram of
 * headers per object, the top headers by rebuild cost as bars (inline
 * SVG) and every header in a table; no script is needed to read it.
 * title (string) heads it.
 */
KDEP_API int kdep_report_html(const struct kdep_stats *st, size_t top,
			      const char *title, struct kdep_buf *out);

/*
 * kdep why: why target (string, relative to the current folder, which is
 * the build folder) would be rebuilt now, one "target: reason" line per
 * reason to fn.  With a usable content-hash record, kdep_check() decides
 * from it, given what make would find newer (how = "record"); reasons:
 * "PATH content changed", "PATH config value changed: y -> n", "PATH
 * appeared", "PATH is a new prerequisite ...", "command line changed"
 * (against the .cmd file's), "missing".  Without one the mtimes of its
 * .cmd file's prerequisites decide, as make compares them (how =
 * "mtime: no record", "mtime: RECORD is corrupt", ...).  how (replaced)
 * is set before fn hears a reason.  1 if it would be rebuilt, 0 if not,
 * < 0 on error (a target without a .cmd file: KDEP_EIO naming it).
 */
KDEP_API int kdep_why(struct kdep_checker *c, const char *target,
		      kdep_reasonfn fn, void *ctx, struct kdep_buf *how);

/* ==================================================================== */
/*  Part 2: the building blocks the calls above are made of - files,     */
/*  stamp paths, depfiles, scanning, hashing, kconfig files, ELF and     */
/*  .cmd parsing.  The tools and tests use them; most users need not.    */
/* ==================================================================== */

/* ---- files (io.c) ---------------------------------------------------- */

/*
 * Read a whole regular file into b (replacing its contents), looping over
 * short reads and EINTR.  st, if not NULL, receives the fstat data; without
 * it there is no fstat unless a read looks odd (cheaper for many small
 * files).  Errors name the path: "error opening file: PATH: strerror"
 * (KDEP_EIO).  Directories, devices, FIFOs and other non-regular files are
 * refused, never waited on (without st, a FIFO whose writer has already
 * written and gone reads as a file).
 */
KDEP_API int kdep_readfile(const char *path, struct kdep_buf *b,
			   struct stat *st);
/* Read fd (a pipe, stdin) to its end into b; name is used in messages. */
KDEP_API int kdep_readfd(int fd, const char *name, struct kdep_buf *b);
/* Write all of p to fd, looping over short writes and EINTR. */
KDEP_API int kdep_writeall(int fd, const void *p, size_t n);
/*
 * Replace path with p atomically: a temporary file in the same folder,
 * fsync-free write, close, rename.  Readers see the old or the new file
 * whole, never a torn one; on failure the temporary file is removed.  It
 * has no name until it is complete (O_TMPFILE, where the filesystem has
 * it), so a process killed by SIGKILL leaves nothing behind but in the
 * instant between naming and renaming; elsewhere path.tmp.XXXXXX stays.
 * An existing character device or FIFO (/dev/null) is written in place.
 */
KDEP_API int kdep_writefile(const char *path, const void *p, size_t n,
			    mode_t mode);
/* kdep_writefile, only if path does not hold p already: 1 if written. */
KDEP_API int kdep_writeifchanged(const char *path, const void *p, size_t n,
				 mode_t mode);
/* Create the parent folders of path (mkdir -p of its dirname). */
KDEP_API int kdep_mkparents(const char *path);

/* ---- stamp paths (stamp.c) ------------------------------------------- */

/* The layout called name ("flat" or "split"), or KDEP_EDATA. */
KDEP_API int kdep_layoutbyname(const char *name);
/*
 * The one canonical stamp path of symbol name (len bytes) under dir
 * (string; NULL or "" for none), appended to out.  Split layout: ASCII
 * lowercase, every '_' becomes '/', runs of '/' collapse to one, a leading
 * '/' is dropped, a trailing '/' is kept, ".h" is appended - the same file
 * the uncollapsed path names, spelled one way.  "__put_user_2" ->
 * "put/user/2.h".  A name that is empty or holds a byte outside
 * [A-Za-z0-9_] is KDEP_EDATA: nothing like '/', ".." or NUL gets through.
 */
KDEP_API int kdep_stamppath(struct kdep_buf *out, const char *dir,
			    const char *name, size_t len,
			    enum kdep_layout layout);
/*
 * Write a stamp file whose content encodes its symbol's state, so that
 * content checks see every change: folders are created as needed and the
 * file is rewritten in place, only when its content differs (a torn stamp
 * can only cause a rebuild).  If after is not NULL a written stamp's mtime
 * is then set strictly later than *after (the later of now and *after +
 * 1 ns; the next second on a coarse filesystem), so that mtime-based make
 * sees it too, without a busy loop.  mtime, if not NULL, receives the
 * stamp's mtime.  Returns 1 if written, 0 if it already held content.
 */
KDEP_API int kdep_writestamp(const char *path, const char *content,
			     size_t len, const struct timespec *after,
			     struct timespec *mtime);
/* 1 if name (len bytes) is a non-empty [A-Za-z0-9_] identifier. */
KDEP_API int kdep_isname(const char *name, size_t len);

/* ---- depfiles (depfile.c) -------------------------------------------- */

enum kdep_tokkind {
	KDEP_TOK_TARGET, /* a word before ':' (kbuild: a word ending in ':') */
	KDEP_TOK_PREREQ, /* a word after ':' */
};

struct kdep_token {
	const char *s;  /* into the caller's buffer; NUL-terminated */
	size_t len;
	enum kdep_tokkind kind;
	int first;      /* the first prerequisite right after a ':' */
	unsigned line;  /* 1-based line of the token's first byte */
};

/* Receives each token; a non-zero return stops the parse. */
typedef int (*kdep_tokfn)(void *ctx, const struct kdep_token *t);

/*
 * Tokenize the depfile data[0..len) (data[len] == '\0') in place, calling
 * fn(ctx, token) for each token in order.  Unescaping shortens tokens in
 * the buffer; while fn runs, its token is NUL-terminated by the byte
 * after it, which is put back when fn returns.  Like upstream fixdep, the
 * kbuild dialects treat a NUL byte as the end of input; the make dialect
 * treats it as a separator.  CRLF line ends are accepted by the make
 * dialect; the kbuild dialects keep '\r' in tokens as upstream does.
 * Returns 0, or the first non-zero return of fn.
 */
KDEP_API int kdep_depparse(char *data, size_t len, enum kdep_dialect dialect,
			   kdep_tokfn fn, void *ctx);

/* ---- CONFIG_ scanning (scan.c) --------------------------------------- */

/* A set of names (dedupe over a whole fixdep run). */
struct kdep_nameset;
KDEP_API struct kdep_nameset *kdep_nameset_new(void);
/* 1 if added, 0 if already present, KDEP_ENOMEM. */
KDEP_API int kdep_nameset_add(struct kdep_nameset *set, const char *s,
			      size_t len);
KDEP_API void kdep_nameset_free(struct kdep_nameset *set);

/*
 * Call fn(ctx, name, len) for every symbol text[0..len) uses: a prefix,
 * then [A-Za-z0-9_]*, with a "_MODULE" suffix stripped and empty names
 * dropped.  Like upstream, a NUL byte ends the text.  Names repeat if the
 * text repeats them (dedupe with a kdep_nameset).  A non-zero return from
 * fn stops the scan and is returned.
 */
typedef int (*kdep_symfn)(void *ctx, const char *name, size_t len);
KDEP_API int kdep_scan(const struct kdep_scanopts *o, const char *text,
		       size_t len, kdep_symfn fn, void *ctx);

/* ---- scan cache lookups (cache.c) ------------------------------------ */

/*
 * The symbols path uses (each once, in order of first use) to fn, and its
 * content hash and stat data - set before fn is first called; reads the
 * file only when the cache cannot answer.  Errors as kdep_readfile.
 */
KDEP_API int kdep_cache_scan(struct kdep_cache *c, const char *path,
			     kdep_symfn fn, void *ctx, uint64_t *hash,
			     struct stat *st);


/* ---- hashing (hash.c) ------------------------------------------------ */

/*
 * XXH64 (xxHash 64-bit, seed 0 unless given), per its published spec.
 * The streaming state is a plain struct so that it can live on the
 * stack, as XXH64_state_t can; its fields are the algorithm's, used only
 * through the calls below.
 */
struct kdep_hashstate {
	uint64_t v[4];
	uint64_t total;
	unsigned char mem[32];
	size_t memlen;
	uint64_t seed;
};
KDEP_API uint64_t kdep_hash(const void *p, size_t n, uint64_t seed);
KDEP_API void kdep_hashinit(struct kdep_hashstate *h, uint64_t seed);
KDEP_API void kdep_hashupdate(struct kdep_hashstate *h, const void *p,
			      size_t n);
KDEP_API uint64_t kdep_hashfinal(const struct kdep_hashstate *h);
/* Hash a file's content (path string); st receives its fstat data. */
KDEP_API int kdep_hashfile(const char *path, uint64_t *out, struct stat *st);

/* ---- kconfig (kconfig.c) --------------------------------------------- */

/* The kind of a value, read from its spelling (formats in kconfig.c). */
enum kdep_confkind {
	KDEP_CONF_N,   /* "# CONFIG_X is not set" or CONFIG_X=n */
	KDEP_CONF_Y,   /* y */
	KDEP_CONF_M,   /* m */
	KDEP_CONF_NUM, /* unquoted decimal (optional '-') or 0x hex */
	KDEP_CONF_STR, /* quoted (val unescaped), or other unquoted text */
};

struct kdep_confsym {
	char *name;    /* without "CONFIG_" (string) */
	char *val;     /* "n", "y", "m", the number, the string's text */
	enum kdep_confkind kind;
	unsigned line; /* of the last assignment */
};

/* A parsed .config or auto.conf; NULL reads as an empty one (all n). */
struct kdep_config;

/*
 * Parse the .config or auto.conf at path (string) into a new *c (NULL
 * on error).  A malformed line is KDEP_EDATA "PATH:LINE: what".  An
 * indented line is no error: it is ignored, as kconfig ignores it, and
 * counted by kdep_config_ignored().  Release with kdep_config_free().
 */
KDEP_API int kdep_config_parse(const char *path, struct kdep_config **c);
/* The same over data[0..len); file (string) names it in messages. */
KDEP_API int kdep_config_parsemem(const char *file, const char *data,
				  size_t len, struct kdep_config **c);
/* Symbols assigned (n too); symbol i of them, in order of first assignment. */
KDEP_API size_t kdep_config_count(const struct kdep_config *c);
KDEP_API const struct kdep_confsym *
kdep_config_sym(const struct kdep_config *c, size_t i);
/* The symbol called name (string, no "CONFIG_"), or NULL. */
KDEP_API const struct kdep_confsym *
kdep_config_find(const struct kdep_config *c, const char *name);
/* The "# TITLE" line of kconfig's heading, or NULL. */
KDEP_API const char *kdep_config_title(const struct kdep_config *c);
/*
 * Indented lines ignored (kconfig warns about them); *first (if not
 * NULL) gets the line number of the first.
 */
KDEP_API unsigned kdep_config_ignored(const struct kdep_config *c,
				      unsigned *first);
KDEP_API void kdep_config_free(struct kdep_config *c);
/* Append the auto.conf / autoconf.h text of c to out (kconfig's formats). */
KDEP_API int kdep_config_autoconf(const struct kdep_config *c,
				  struct kdep_buf *out);
KDEP_API int kdep_config_autoheader(const struct kdep_config *c,
				    struct kdep_buf *out);

/* ---- ELF symbols (elf.c) --------------------------------------------- */

/*
 * Call fn(ctx, name, len) for every symbol nm lists by default in the ELF
 * object data[0..len) - ELF32 or ELF64, either byte order: each SHT_SYMTAB
 * entry but the null, section and file symbols, in table order.  name
 * (string) names the file in messages.  Every offset and size is checked:
 * a file that is not ELF or is truncated is KDEP_EDATA.  A non-zero return
 * from fn stops the walk and is returned.
 */
KDEP_API int kdep_elf_symbols(const void *data, size_t len, const char *name,
			      kdep_symfn fn, void *ctx);

/* ---- .cmd files (cmdfile.c) ------------------------------------------ */

/* What a line of a .cmd file says about its target (formats in cmdfile.c). */
enum kdep_cmdkind {
	KDEP_CMD_CMDLINE, /* cmd_T or savedcmd_T: the command line */
	KDEP_CMD_SOURCE,  /* source_T */
	KDEP_CMD_DEP,     /* a file listed in deps_T */
	KDEP_CMD_STAMP,   /* a $(wildcard X) in deps_T: a config stamp */
	KDEP_CMD_KSYM,    /* a $(wildcard X) in ksymdeps_T: a ksym stamp */
	KDEP_CMD_EXTRA,   /* a prerequisite of another "T: ..." rule */
};

struct kdep_cmdent {
	enum kdep_cmdkind kind;
	const char *target; /* T, tlen bytes, not NUL-terminated */
	size_t tlen;
	const char *s;      /* the value or path, len bytes, not terminated */
	size_t len;
	int wildcard;       /* EXTRA: inside $(wildcard ...) */
	unsigned line;
};
typedef int (*kdep_cmdfn)(void *ctx, const struct kdep_cmdent *e);

/*
 * Read the .cmd text data[0..len) (file names it in messages), calling
 * fn for each entry in order; a non-zero return from fn stops and is
 * returned.  A malformed file (a line that is none of the forms, a NUL
 * byte, a deps_ block without its end or rule) is KDEP_EDATA
 * "FILE:LINE: what" - after fn has seen the entries before it.
 */
KDEP_API int kdep_cmdparse(const char *file, const char *data, size_t len,
			   kdep_cmdfn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
