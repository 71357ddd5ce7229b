/*
 * fuzz.h - helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each <name>.c here is one target (tests/fuzz/run builds and runs them).
 * A target checks properties with CHECK(): a failure prints the condition
 * and aborts, which libFuzzer reports as a crash and saves the input.
 */
#ifndef KDEP_FUZZ_H
#define KDEP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "kdep.h"

#define CHECK(c) ((c) ? (void)0 : fz_fail(__FILE__, __LINE__, #c))

/* Print "file:line: check failed: what" and abort. */
void fz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));
/*
 * Make a private folder under $TMPDIR, chdir() into it and remove it at
 * exit.  File-based targets work there with relative paths only.  Call it
 * from LLVMFuzzerInitialize with its arguments: relative paths among them
 * are made absolute, since libFuzzer opens them later.
 */
void fz_tmpdir(int *argc, char ***argv);
/* Write a file (creating parent folders); aborts on failure. */
void fz_write(const char *path, const void *p, size_t n);
void fz_puts(const char *path, const char *text);
/*
 * 1 if the paths a target may derive from p[0..n) stay inside the
 * current folder: no ".." anywhere, and every '/' follows a byte of
 * [A-Za-z0-9_.-], so that no word, however unescaped, starts with '/'.
 * Inputs that fail are skipped: the library reads whatever path it is
 * given, and the fuzzer has no business reading the rest of the machine.
 */
int fz_pathsafe(const uint8_t *p, size_t n);
/* The library's error message must be one non-empty line. */
void fz_checkerr(void);
/* A malloc'd copy of p[0..n) with a NUL after it. */
char *fz_dup(const uint8_t *p, size_t n);

#endif
