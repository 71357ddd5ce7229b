/* fuzzutil.c - see fuzz.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char *tmp;

void fz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

static int rmone(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rmtmp(void)
{
	if (tmp && chdir("/") == 0)
		nftw(tmp, rmone, 16, FTW_DEPTH | FTW_PHYS);
}

/* s made absolute against cwd if it is relative (malloc'd, never freed). */
static char *absolute(const char *cwd, const char *pre, const char *s)
{
	size_t n = strlen(cwd) + strlen(pre) + strlen(s) + 2;
	char *a;

	if (*s == '/')
		return NULL;
	a = malloc(n);
	CHECK(a);
	snprintf(a, n, "%s%s/%s", pre, cwd, s);
	return a;
}

/*
 * libFuzzer reads its corpus folders and writes crash files after the
 * initialize hook, which moves us into the temporary folder: make the
 * paths on the command line absolute first.
 */
static void fixargs(int argc, char **argv)
{
	static const char *const flags[] = {"-artifact_prefix=",
					    "-exact_artifact_path=", "-dict=",
					    NULL};
	char *cwd = getcwd(NULL, 0), *a;
	int i, k;

	CHECK(cwd);
	for (i = 1; i < argc; i++) {
		a = NULL;
		if (argv[i][0] != '-')
			a = absolute(cwd, "", argv[i]);
		for (k = 0; flags[k]; k++) {
			size_t n = strlen(flags[k]);

			if (strncmp(argv[i], flags[k], n) == 0 && argv[i][n])
				a = absolute(cwd, flags[k], argv[i] + n);
		}
		if (a)
			argv[i] = a;
	}
	free(cwd);
}

void fz_tmpdir(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");
	size_t n = strlen(t && *t ? t : "/tmp") + 32;

	if (argc && argv)
		fixargs(*argc, *argv);
	tmp = malloc(n);
	CHECK(tmp);
	snprintf(tmp, n, "%s/kdep-fuzz.XXXXXX", t && *t ? t : "/tmp");
	CHECK(mkdtemp(tmp));
	CHECK(chdir(tmp) == 0);
	atexit(rmtmp);
}

static void mkparents(const char *path)
{
	char *d = strdup(path), *s;

	CHECK(d);
	for (s = d + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		CHECK(mkdir(d, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	free(d);
}

void fz_write(const char *path, const void *p, size_t n)
{
	FILE *f;

	mkparents(path);
	f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(p, 1, n, f) == n);
	CHECK(fclose(f) == 0);
}

void fz_puts(const char *path, const char *text)
{
	fz_write(path, text, strlen(text));
}

static int pathbyte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

int fz_pathsafe(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '/' && (i == 0 || !pathbyte(p[i - 1])))
			return 0;
		if (p[i] == '.' && i + 1 < n && p[i + 1] == '.')
			return 0;
	}
	return 1;
}

void fz_checkerr(void)
{
	const char *m = kdep_errmsg();

	CHECK(m && *m);
	CHECK(!strchr(m, '\n'));
}

char *fz_dup(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	CHECK(s);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}
