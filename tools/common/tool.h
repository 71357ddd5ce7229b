/*
 * tool.h - what fixdep, kdep and autoksyms share: option values, usage
 * errors, dying of a library error, flushing standard output and the
 * --layout option.  Linked into each of them (not part of libkdep).
 *
 * The three word and end their errors differently, as the programs they
 * replace or their users expect: each program defines `tool`, which
 * says how.
 */
#ifndef KDEP_TOOL_H
#define KDEP_TOOL_H

#include "kdep.h"

struct tool {
	const char *name;  /* "fixdep": messages start "fixdep: " */
	const char *usage; /* the synopsis, to stderr on a usage error */
	int tryhelp;       /* then "Try 'NAME --help' for more information." */
	int usagestatus;   /* exit status of a usage error, a bad --layout */
	/* exit status of a library error code (NULL: kdep_exitcode) */
	int (*exitcode)(int err);
	/* library messages that start so are printed without the name */
	const char *verbatim;
	/* when standard output cannot be written: this message (with
	   ": strerror(errno)" after it if writeerrno), this exit status */
	const char *writemsg;
	int writeerrno;
	int writestatus;
};
extern const struct tool tool;

/* Print kdep_errmsg() and exit with the status of err. */
_Noreturn void die(int err);
/* Print the synopsis and exit with the usage status. */
_Noreturn void badusage(void);
/* "--name=V": V, or NULL if arg is not --name=. */
const char *optval(const char *arg, const char *name);
/*
 * "--name=V" or "--name V" at argv[*i]: V (*i moves past it), or NULL if
 * it is not --name; a usage error if the value is missing.
 */
const char *optnext(int argc, char *argv[], int *i, const char *name);
/*
 * Flush standard output: status if it all went out, else the write
 * message and the write status (a full disk, a closed pipe).
 */
int flushout(int status);
/* The layout called name, or a usage error naming it. */
enum kdep_layout layoutopt(const char *name);

#endif
