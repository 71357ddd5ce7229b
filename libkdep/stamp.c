/*
 * stamp.c - the one place where a symbol name becomes a stamp path.
 *
 * Kconfig and the TRIM_UNUSED_KSYMS scripts create one empty "stamp" file
 * per symbol; kbuild's .cmd files name them in $(wildcard ...) so that a
 * change of one symbol rebuilds only its users.  Two layouts exist:
 *
 *   flat   include/config/FOO_BAR        Linux >= 5.13 (ksym: >= 5.15)
 *   split  include/config/foo/bar.h      Linux <= 5.12, Kconfiglib,
 *                                        kconfig-frontends, BusyBox
 *
 * The split layout has many spellings for one file: the shell scripts
 * wrote include/config/ksym///clear/user.h for __clear_user while fixdep
 * printed include/ksym/clear/user.h.  make compares names, not inodes, so
 * we always print the collapsed spelling: runs of '/' become one and a
 * leading '/' is dropped.  The file named is the same one the kconfig
 * tools create, since the kernel ignores repeated slashes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int kdep_layoutbyname(const char *name)
{
	if (strcmp(name, "flat") == 0)
		return KDEP_FLAT;
	if (strcmp(name, "split") == 0)
		return KDEP_SPLIT;
	return kdep_err(KDEP_EDATA, "stamp layout must be flat or split, not '%s'",
			name);
}

#define IDENT4(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1
/* [A-Za-z0-9_] */
const unsigned char kdep_identtab[256] = {
	IDENT4('0'), IDENT4('4'), ['8'] = 1, ['9'] = 1,
	IDENT4('A'), IDENT4('E'), IDENT4('I'), IDENT4('M'), IDENT4('Q'),
	IDENT4('U'), ['Y'] = 1, ['Z'] = 1, ['_'] = 1,
	IDENT4('a'), IDENT4('e'), IDENT4('i'), IDENT4('m'), IDENT4('q'),
	IDENT4('u'), ['y'] = 1, ['z'] = 1,
};
#undef IDENT4

int kdep_isname(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!kdep_isident((unsigned char)name[i]))
			return 0;
	return 1;
}

/* Say what is wrong without echoing bytes that could break the line. */
static int badname(const char *name, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return kdep_err(KDEP_EDATA, "empty symbol name");
	while (kdep_isident((unsigned char)name[i]))
		i++;
	return kdep_err(KDEP_EDATA,
			"bad symbol name: byte 0x%02x at offset %zu",
			(unsigned char)name[i], i);
}

static int addsplit(struct kdep_buf *out, const char *name, size_t len)
{
	size_t i;
	char prev = '/'; /* drops a leading '/' */

	if (kdep_bufreserve(out, len + 2) < 0)
		return KDEP_ENOMEM;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '_')
			c = '/';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '/' && prev == '/')
			continue;
		out->data[out->len++] = c;
		prev = c;
	}
	out->data[out->len] = '\0';
	return kdep_bufadd(out, ".h", 2);
}

int kdep_stamppath(struct kdep_buf *out, const char *dir, const char *name,
		   size_t len, enum kdep_layout layout)
{
	size_t d = dir ? strlen(dir) : 0;

	if (!kdep_isname(name, len))
		return badname(name, len);
	/* room for the flat path, the longer one: one reservation */
	if (kdep_bufreserve(out, d + 1 + len) < 0)
		return KDEP_ENOMEM;
	if (d) {
		memcpy(out->data + out->len, dir, d);
		out->data[out->len + d] = '/';
		out->len += d + 1;
	}
	if (layout == KDEP_SPLIT)
		return addsplit(out, name, len);
	memcpy(out->data + out->len, name, len);
	out->len += len;
	out->data[out->len] = '\0';
	return 0;
}

/* 1 if fd (at offset 0) holds exactly want[0..len), 0 if not. */
static int holds(int fd, const char *want, size_t len)
{
	struct kdep_buf b = {0};
	int same;

	if (kdep_bufreserve(&b, len + 1) < 0)
		return KDEP_ENOMEM;
	while (b.len < len + 1) {
		ssize_t n = read(fd, b.data + b.len, len + 1 - b.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b.len += (size_t)n;
	}
	same = b.len == len && memcmp(b.data, want, len) == 0;
	kdep_buffree(&b);
	return same;
}

/*
 * Date fd strictly after *after without a busy loop: the later of now and
 * after + 1 ns; if the filesystem keeps coarser times and rounds that
 * down, the next whole second.  *mtime gets the time it keeps.
 */
static int dateafter(int fd, const char *path, const struct timespec *after,
		     struct timespec *mtime)
{
	struct timespec ts[2] = {{0, UTIME_OMIT}, *after}, now;
	struct stat st;
	int i;

	if (++ts[1].tv_nsec >= 1000000000L) {
		ts[1].tv_sec++;
		ts[1].tv_nsec = 0;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (kdep_before(&ts[1], &now))
		ts[1] = now;
	for (i = 0; i < 2; i++) {
		if (futimens(fd, ts) < 0 || fstat(fd, &st) < 0)
			return kdep_errno(KDEP_EWRITE, "cannot set time of %s",
					  path);
		*mtime = st.st_mtim;
		if (kdep_before(after, &st.st_mtim))
			return 0;
		ts[1].tv_sec = after->tv_sec + 1;
		ts[1].tv_nsec = 0;
	}
	return kdep_err(KDEP_EWRITE, "%s: filesystem keeps no later time",
			path);
}

/*
 * Stamps are rewritten in place, not replaced through a temporary file
 * and rename like our other outputs: creating files is the one costly step
 * when thousands of stamps change, and a torn stamp is harmless - its
 * content matches neither state, so content checks rebuild, and the next
 * run writes it again.  One open per stamp: read, decide, write, date.
 */
int kdep_writestamp(const char *path, const char *content, size_t len,
		    const struct timespec *after, struct timespec *mtime)
{
	const int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	struct timespec t;
	struct stat st;
	int fd, r;

	fd = open(path, flags, 0644);
	if (fd < 0 && errno == ENOENT && kdep_mkparents(path) == 0)
		fd = open(path, flags, 0644);
	if (fd < 0)
		return kdep_errno(KDEP_EWRITE, "cannot write %s", path);
	r = holds(fd, content, len);
	if (r == 1) {
		r = 0; /* already right: not touched */
	} else if (r == 0) {
		if (lseek(fd, 0, SEEK_SET) < 0 ||
		    kdep_writeall(fd, content, len) < 0 ||
		    ftruncate(fd, (off_t)len) < 0)
			r = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
		else
			r = 1;
	}
	if (r == 1 && after) {
		int e = dateafter(fd, path, after, mtime ? mtime : &t);

		if (e < 0)
			r = e;
	} else if (r >= 0 && mtime) {
		if (fstat(fd, &st) < 0)
			r = kdep_errno(KDEP_EWRITE, "cannot stat %s", path);
		else
			*mtime = st.st_mtim;
	}
	if (close(fd) < 0 && r >= 0)
		r = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
	return r;
}
