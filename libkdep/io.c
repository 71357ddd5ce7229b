/* io.c - whole-file reads, full writes and atomic replacement. */
#define _GNU_SOURCE /* renameat2, O_TMPFILE, asprintf */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Refuse what read() would block on or fail for with a useless message. */
static int checkregular(const char *path, const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return 0;
	if (S_ISDIR(st->st_mode))
		return kdep_err(KDEP_EIO,
				"error reading file: %s: Is a directory", path);
	return kdep_err(KDEP_EIO, "error reading file: %s: not a regular file",
			path);
}

/* fstat fd and refuse anything but a regular file. */
static int typecheck(int fd, const char *path, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return kdep_errno(KDEP_EIO, "error fstat'ing file: %s", path);
	return checkregular(path, st);
}

/*
 * A full buffer: find out what the file is first if not known yet (a
 * regular file says how big it is), then make room for the rest.
 */
static int growfor(int fd, const char *path, struct kdep_buf *b,
		   size_t *want, int *lazy)
{
	struct stat st;
	size_t more = b->len < 4096 ? 4096 : b->len;
	int e;

	if (*lazy) {
		if ((e = typecheck(fd, path, &st)) < 0)
			return e;
		*lazy = 0;
		*want = (size_t)st.st_size;
	}
	if (*want != (size_t)-1 && *want > b->len)
		more = *want - b->len;
	return kdep_bufreserve(b, more) < 0 ? KDEP_ENOMEM : 0;
}

/*
 * Read want bytes (what fstat said) or to EOF if that comes first, looping:
 * a read() may return short (FUSE, NFS, a signal) - upstream fixdep once
 * failed half the builds of a package manager with "fixdep: read: Success".
 * A file that grew meanwhile is read as it was when fstat'ed.
 *
 * lazy: the file's type is not known yet.  A fixdep run reads hundreds of
 * headers, and on a VM a system call costs about a microsecond: reading
 * on to the EOF read is cheaper than asking fstat first.  The type is
 * asked only when it matters - an empty first read (an empty file, or a
 * FIFO or /dev/null), a read that would block (a FIFO or terminal), a
 * full buffer (a large file, or /dev/zero) - and every non-regular file
 * meets one of these before the buffer grows.  (A FIFO whose writer has
 * already written and gone reads as a file: nothing waits, nothing hangs.)
 */
static int readall(int fd, const char *path, struct kdep_buf *b, size_t hint,
		   size_t want, int lazy)
{
	struct stat st;
	int e;

	b->len = 0;
	if (kdep_bufreserve(b, hint) < 0)
		return KDEP_ENOMEM;
	for (;;) {
		size_t room;
		ssize_t n;

		if (b->len + 1 >= b->cap &&
		    (e = growfor(fd, path, b, &want, &lazy)) < 0)
			return e;
		room = b->cap - b->len - 1;
		if (want - b->len < room) /* want is -1 when not known */
			room = want - b->len;
		n = read(fd, b->data + b->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		/* at once nothing, or nothing yet: what is this file? */
		if (lazy && (n == 0 ? b->len == 0 : n < 0 && errno == EAGAIN)) {
			if ((e = typecheck(fd, path, &st)) < 0)
				return e;
			lazy = 0;
		}
		if (n < 0)
			return kdep_errno(KDEP_EIO, "error reading file: %s", path);
		if (n == 0)
			break;
		b->len += (size_t)n;
		/* all fstat promised: done, without a read() to see EOF */
		if (b->len == want)
			break;
	}
	b->data[b->len] = '\0';
	return 0;
}

/*
 * O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a
 * terminal opened by mistake must not become ours.
 */
static int openread(const char *path, int *fd)
{
	do
		*fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	while (*fd < 0 && errno == EINTR);
	if (*fd < 0)
		return kdep_errno(KDEP_EIO, "error opening file: %s", path);
	return 0;
}

/* Without st, the first read has this much room (64 KiB with the NUL). */
#define QUICKROOM (64 * 1024 - 1)

int kdep_readfile(const char *path, struct kdep_buf *b, struct stat *st)
{
	int fd, r;

	if ((r = openread(path, &fd)) < 0)
		return r;
	if (!st)
		r = readall(fd, path, b, QUICKROOM, (size_t)-1, 1);
	else if ((r = typecheck(fd, path, st)) == 0)
		r = readall(fd, path, b, (size_t)st->st_size + 1,
			    (size_t)st->st_size, 0);
	close(fd);
	return r;
}

/* Pieces of this size, from one buffer: a file of any size in 64 KiB. */
#define PIECE (64 * 1024)

int kdep_readpieces(const char *path, kdep_piecefn fn, void *ctx,
		    struct stat *st)
{
	struct stat sb;
	unsigned char *buf = NULL;
	int fd, r;

	if ((r = openread(path, &fd)) < 0)
		return r;
	/* the type first: a FIFO or device must not be read at all */
	if ((r = typecheck(fd, path, &sb)) == 0 && !(buf = malloc(PIECE)))
		r = kdep_err(KDEP_ENOMEM, "out of memory");
	while (r == 0) {
		ssize_t n = read(fd, buf, PIECE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = kdep_errno(KDEP_EIO, "error reading file: %s", path);
		if (n <= 0)
			break;
		/* a short read is no error: the next read goes on */
		r = fn(ctx, buf, (size_t)n);
	}
	free(buf);
	close(fd);
	if (r == 0 && st)
		*st = sb;
	return r;
}

int kdep_readhead(const char *path, struct kdep_buf *b, size_t max)
{
	int fd, r;

	if ((r = openread(path, &fd)) < 0)
		return r;
	r = readall(fd, path, b, max, max, 1);
	close(fd);
	return r;
}

int kdep_readfd(int fd, const char *name, struct kdep_buf *b)
{
	return readall(fd, name, b, 4096, (size_t)-1, 0);
}

int kdep_writeall(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return KDEP_EWRITE;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Put tmp in path's place.  rename() over an existing file makes ext4
 * (auto_da_alloc) start writing the new file out at once, which costs
 * more than a whole fixdep run; swapping the two names with
 * RENAME_EXCHANGE is as atomic for readers and does not.  The old content
 * then leaves under the temporary name.  Only regular files are swapped.
 */
static int replace(const char *tmp, const char *path, int isreg)
{
#if defined(RENAME_EXCHANGE)
	if (isreg &&
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		unlink(tmp);
		return 0;
	}
#else
	(void)isreg;
#endif
	return rename(tmp, path);
}

/* A name for tmp, unnamed until now (O_TMPFILE), next to path. */
static int nametmp(struct kdep_out *o)
{
	static unsigned counter;
	char proc[64];
	struct timespec ts;
	int tries;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	for (tries = 0; tries < 64; tries++) {
		unsigned r;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec ^
		    counter++ * 40503u;
		free(o->tmp);
		o->tmp = NULL;
		if (asprintf(&o->tmp, "%s.tmp.%06x", o->path, r & 0xffffff) < 0) {
			o->tmp = NULL;
			return KDEP_ENOMEM;
		}
		if (linkat(o->fd, "", AT_FDCWD, o->tmp, AT_EMPTY_PATH) == 0 ||
		    (errno != EEXIST &&
		     linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp,
			    AT_SYMLINK_FOLLOW) == 0))
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(o->tmp);
	o->tmp = NULL;
	return kdep_errno(KDEP_EWRITE, "cannot create %s", o->path);
}

/*
 * A file with no name yet in path's folder (O_TMPFILE): if the process
 * dies before the commit, nothing is left behind.  -1 where the kernel or
 * filesystem cannot, or where it could not be named later (no /proc and no
 * CAP_DAC_READ_SEARCH for AT_EMPTY_PATH).
 */
static int openunnamed(const char *path)
{
#if defined(O_TMPFILE)
	const char *slash = strrchr(path, '/');
	struct kdep_buf dir = {0};
	int fd;

	if (kdep_bufadd(&dir, slash ? path : ".",
			slash ? (size_t)(slash - path) + 1 : 1) < 0)
		return -1;
	do
		fd = open(dir.data, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	while (fd < 0 && errno == EINTR);
	kdep_buffree(&dir);
	if (fd >= 0 && geteuid() != 0 && access("/proc/self/fd", X_OK) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
#else
	(void)path;
	return -1;
#endif
}

/*
 * An existing device or FIFO (-o /dev/null, -o /dev/stdout) is written in
 * place, as the shell's '>' would: renaming a file over it would replace
 * the device node itself, and as root silently break /dev/null for
 * everyone.  Anything else gets a temporary file in the same folder -
 * unnamed where the system allows, else path.tmp.XXXXXX (messages name
 * path: the temporary file is gone when they are read).
 */
int kdep_outopen(struct kdep_out *o, const char *path, mode_t mode)
{
	struct stat st, lst;
	int e;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	/* the name itself, not what a symlink points to */
	o->isreg = lstat(path, &lst) == 0 && S_ISREG(lst.st_mode);
	if (!(o->path = strdup(path)))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	if (stat(path, &st) == 0 &&
	    (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		o->inplace = 1;
		do
			o->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		while (o->fd < 0 && errno == EINTR);
		if (o->fd < 0) {
			e = kdep_errno(KDEP_EWRITE, "cannot open %s", path);
			kdep_outabort(o);
			return e;
		}
		return 0;
	}
	if ((o->fd = openunnamed(path)) < 0) {
		if (asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
			o->tmp = NULL;
			kdep_outabort(o);
			return kdep_err(KDEP_ENOMEM, "out of memory");
		}
		if ((o->fd = mkstemp(o->tmp)) < 0) {
			e = kdep_errno(KDEP_EWRITE, "cannot create %s", path);
			free(o->tmp);
			o->tmp = NULL;
			kdep_outabort(o);
			return e;
		}
	}
	if (fchmod(o->fd, mode) < 0) {
		e = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
		kdep_outabort(o);
		return e;
	}
	return 0;
}

int kdep_outwrite(struct kdep_out *o, const void *p, size_t n)
{
	if (kdep_writeall(o->fd, p, n) < 0)
		return kdep_errno(KDEP_EWRITE, "cannot write %s", o->path);
	return 0;
}

int kdep_outcommit(struct kdep_out *o)
{
	int e = 0;

	if (!o->inplace && !o->tmp)
		e = nametmp(o);
	if (close(o->fd) < 0 && e == 0)
		e = kdep_errno(KDEP_EWRITE, "cannot write %s", o->path);
	o->fd = -1;
	if (e == 0 && o->tmp && replace(o->tmp, o->path, o->isreg) < 0)
		e = kdep_errno(KDEP_EWRITE, "cannot rename %s to %s", o->tmp,
			       o->path);
	if (e == 0) {
		free(o->tmp);
		o->tmp = NULL; /* in place now: nothing to remove */
	}
	kdep_outabort(o);
	return e;
}

void kdep_outabort(struct kdep_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

int kdep_listdir(const char *dir, struct kdep_buf *out)
{
	struct dirent *d;
	DIR *dp;
	int e = 0;

	if (!(dp = opendir(dir)))
		return kdep_errno(KDEP_EIO, "cannot list %s", dir);
	while (e == 0 && (errno = 0, d = readdir(dp))) {
		const char *n = d->d_name;

		if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
			continue;
		if (kdep_bufadd(out, n, strlen(n) + 1) < 0)
			e = KDEP_ENOMEM;
	}
	if (e == 0 && errno)
		e = kdep_errno(KDEP_EIO, "cannot list %s", dir);
	closedir(dp);
	return e;
}

int kdep_writefile(const char *path, const void *p, size_t n, mode_t mode)
{
	struct kdep_out o;
	int e;

	if ((e = kdep_outopen(&o, path, mode)) < 0)
		return e;
	if ((e = kdep_outwrite(&o, p, n)) < 0) {
		kdep_outabort(&o);
		return e;
	}
	return kdep_outcommit(&o);
}

int kdep_writeifchanged(const char *path, const void *p, size_t n,
			mode_t mode)
{
	struct kdep_buf b = {0};
	int same = kdep_readfile(path, &b, NULL) == 0 && b.len == n &&
		   memcmp(b.data, p, n) == 0;
	int e;

	kdep_buffree(&b);
	if (same)
		return 0;
	e = kdep_mkparents(path);
	if (e == 0)
		e = kdep_writefile(path, p, n, mode);
	return e < 0 ? e : 1;
}

int kdep_mkparents(const char *path)
{
	struct kdep_buf d = {0};
	char *s;
	int r = 0;

	if (kdep_bufputs(&d, path) < 0)
		return KDEP_ENOMEM;
	for (s = d.data + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(d.data, 0755) < 0 && errno != EEXIST) {
			r = kdep_errno(KDEP_EWRITE, "cannot create folder %s",
				       d.data);
			break;
		}
		*s = '/';
	}
	kdep_buffree(&d);
	return r;
}
