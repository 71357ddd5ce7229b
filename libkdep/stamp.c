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

#include "internal.h"

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
	if (!kdep_isname(name, len))
		return badname(name, len);
	if (dir && *dir && (kdep_bufputs(out, dir) < 0 ||
			    kdep_bufadd(out, "/", 1) < 0))
		return KDEP_ENOMEM;
	if (layout == KDEP_SPLIT)
		return addsplit(out, name, len);
	return kdep_bufadd(out, name, len);
}

/* 1 if path holds exactly content[0..len). */
static int samecontent(const char *path, const char *content, size_t len)
{
	struct kdep_buf b = {0};
	int same = kdep_readfile(path, &b, NULL) == 0 && b.len == len &&
		   memcmp(b.data, content, len) == 0;

	kdep_buffree(&b);
	return same;
}

static int later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/*
 * Make path's mtime later than *after, without a busy loop: the later of
 * now and after + 1 ns; if the filesystem keeps coarser times and stores
 * something not later, the next whole second.
 */
static int bumpmtime(const char *path, const struct timespec *after)
{
	struct timespec ts[2] = {{0, UTIME_OMIT}, *after};
	struct timespec now;
	struct stat st;
	int i;

	if (++ts[1].tv_nsec >= 1000000000L) {
		ts[1].tv_sec++;
		ts[1].tv_nsec = 0;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (later(&now, &ts[1]))
		ts[1] = now;
	for (i = 0; i < 2; i++) {
		if (utimensat(AT_FDCWD, path, ts, 0) < 0 || stat(path, &st) < 0)
			return kdep_errno(KDEP_EWRITE, "cannot set time of %s",
					  path);
		if (later(&st.st_mtim, after))
			return 0;
		ts[1].tv_sec = after->tv_sec + 1;
		ts[1].tv_nsec = 0;
	}
	return kdep_err(KDEP_EWRITE, "%s: filesystem keeps no later time", path);
}

int kdep_writestamp(const char *path, const char *content, size_t len,
		    const struct timespec *after)
{
	int e;

	if (samecontent(path, content, len))
		return 0;
	/* folders only when missing: most stamps land in existing ones */
	e = kdep_writefile(path, content, len, 0644);
	if (e < 0 && errno == ENOENT && (e = kdep_mkparents(path)) == 0)
		e = kdep_writefile(path, content, len, 0644);
	if (e < 0)
		return e;
	if (after && (e = bumpmtime(path, after)) < 0)
		return e;
	return 1;
}
