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
