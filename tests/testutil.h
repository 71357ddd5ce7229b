/* testutil.h - small helpers shared by the Criterion suites. */
#ifndef KDEP_TESTUTIL_H
#define KDEP_TESTUTIL_H

#include <stddef.h>

/* A fresh empty folder under $TMPDIR; the process chdir()s into it. */
char *tu_tmpdir(void);
/*
 * Suite fixtures (.init, .fini): each test runs in a fresh tu_tmpdir(),
 * tu_tmp(), removed after it.
 */
void tu_intmp(void);
void tu_outtmp(void);
const char *tu_tmp(void);
/* Remove a folder tree (rm -rf). */
void tu_rmtree(const char *dir);
/* Write a file (creating parent folders); aborts the test on failure. */
void tu_write(const char *path, const char *text);
void tu_writen(const char *path, const void *data, size_t len);
/* The whole content of path (malloc'd, NUL-terminated), NULL if missing. */
char *tu_read(const char *path, size_t *len);
/* Path of a built tool under the repository top ($KDEP_TOP or "."). */
char *tu_tool(const char *name);
/*
 * Run a shell command; stdout and stderr are captured into malloc'd
 * strings when out/err are not NULL.  Returns the exit status (or 128+sig).
 */
int tu_run(const char *cmd, const char *stdin_text, char **out, char **err);
/* How many names in the current folder start with prefix. */
int tu_countnames(const char *prefix);
/* Set a file's mtime (and atime) to sec.nsec. */
void tu_setmtime(const char *path, long long sec, long nsec);
/*
 * Wait until the filesystem's clock has moved past path's ctime: what is
 * written from then on is strictly newer, as an object built after
 * kconfig touched its stamps is.
 */
void tu_settle(const char *path);

#endif
