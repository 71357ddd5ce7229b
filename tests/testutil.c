/* testutil.c - see testutil.h. */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "testutil.h"

/*
 * Every folder tu_tmpdir made in this process, removed when it exits
 * (each test runs in a process of its own), whether or not the test
 * removed it: a failed assertion leaves no folder behind either.
 */
static char **made;
static size_t nmade;

static void rmmade(void)
{
	while (nmade > 0) {
		char *d = made[--nmade];

		if (chdir("/") == 0)
			tu_rmtree(d);
		free(d);
	}
	free(made);
	made = NULL;
}

static void remember(const char *d)
{
	char **m = realloc(made, (nmade + 1) * sizeof(*m));

	cr_assert_not_null(m);
	made = m;
	if (nmade == 0)
		atexit(rmmade);
	cr_assert_not_null(made[nmade] = strdup(d));
	nmade++;
}

char *tu_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *d;

	cr_assert(asprintf(&d, "%s/kdeptest.XXXXXX", t && *t ? t : "/tmp") > 0);
	cr_assert(mkdtemp(d), "mkdtemp: %s", strerror(errno));
	remember(d);
	cr_assert(chdir(d) == 0);
	return d;
}

void tu_rmtree(const char *dir)
{
	char *cmd;

	if (!dir)
		return;
	cr_assert(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", dir);
	free(cmd);
}

static char *tmp; /* the folder of tu_intmp */

void tu_intmp(void)
{
	tmp = tu_tmpdir();
}

void tu_outtmp(void)
{
	tu_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

const char *tu_tmp(void)
{
	return tmp;
}

static void mkparents(const char *path)
{
	char *d = strdup(path), *s;

	cr_assert(d);
	for (s = d + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(d, 0755);
		*s = '/';
	}
	free(d);
}

void tu_writen(const char *path, const void *data, size_t len)
{
	FILE *f;

	mkparents(path);
	f = fopen(path, "wb");
	cr_assert(f, "cannot write %s: %s", path, strerror(errno));
	cr_assert(fwrite(data, 1, len, f) == len);
	cr_assert(fclose(f) == 0);
}

void tu_write(const char *path, const char *text)
{
	tu_writen(path, text, strlen(text));
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert(buf);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *tu_tool(const char *name)
{
	const char *top = getenv("KDEP_TOP");
	char *p;

	cr_assert(asprintf(&p, "%s/tools/%s", top && *top ? top : ".", name) >
		  0);
	return p;
}

static char *slurp(int fd)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert(buf);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return buf;
}

int tu_run(const char *cmd, const char *stdin_text, char **out, char **err)
{
	char tmpl[3][32] = {"/tmp/kdeptu.XXXXXX", "/tmp/kdeptu.XXXXXX",
			    "/tmp/kdeptu.XXXXXX"};
	int fds[3], i, st;
	char *full;

	for (i = 0; i < 3; i++) {
		fds[i] = mkstemp(tmpl[i]);
		cr_assert(fds[i] >= 0);
		unlink(tmpl[i]);
	}
	if (stdin_text) {
		size_t n = strlen(stdin_text);
		cr_assert(write(fds[0], stdin_text, n) == (ssize_t)n);
		lseek(fds[0], 0, SEEK_SET);
	}
	fflush(NULL);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(fds[0], 0);
		dup2(fds[1], 1);
		dup2(fds[2], 2);
		cr_assert(asprintf(&full, "%s", cmd) > 0);
		execl("/bin/sh", "sh", "-c", full, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	for (i = 1; i < 3; i++) {
		char **dst = i == 1 ? out : err;
		lseek(fds[i], 0, SEEK_SET);
		if (dst)
			*dst = slurp(fds[i]);
	}
	for (i = 0; i < 3; i++)
		close(fds[i]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void tu_settle(const char *path)
{
	struct timespec nap = {0, 1000000};
	struct stat a, b;

	cr_assert(stat(path, &a) == 0, "stat %s: %s", path, strerror(errno));
	do {
		nanosleep(&nap, NULL);
		tu_write(".settle", "");
		cr_assert(stat(".settle", &b) == 0);
	} while (b.st_ctim.tv_sec < a.st_ctim.tv_sec ||
		 (b.st_ctim.tv_sec == a.st_ctim.tv_sec &&
		  b.st_ctim.tv_nsec <= a.st_ctim.tv_nsec));
	unlink(".settle");
}

void tu_setmtime(const char *path, long long sec, long nsec)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)sec;
	ts[0].tv_nsec = ts[1].tv_nsec = nsec;
	cr_assert(utimensat(AT_FDCWD, path, ts, 0) == 0, "utimensat %s: %s",
		  path, strerror(errno));
}

int tu_countnames(const char *prefix)
{
	DIR *d = opendir(".");
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)))
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}
