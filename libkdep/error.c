/* error.c - the thread's last error message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * One message per thread.  It lives in a heap buffer that is reused and
 * grows as needed; vsnprintf tells how much is needed, so there is no
 * length limit and no truncation.
 */
static _Thread_local char *msg;
static _Thread_local size_t msgcap;
static _Thread_local int code = KDEP_ENOMEM; /* of the last error */

static const char nomem[] = "out of memory";

static void setmsg(const char *fmt, va_list ap, const char *suffix)
{
	va_list aq;
	size_t slen = suffix ? strlen(suffix) + 2 : 0;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	if ((size_t)n + slen + 1 > msgcap) {
		char *m = realloc(msg, (size_t)n + slen + 1);

		if (!m) {
			free(msg);
			msg = NULL;
			msgcap = 0;
			return;
		}
		msg = m;
		msgcap = (size_t)n + slen + 1;
	}
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	if (suffix) {
		memcpy(msg + n, ": ", 2);
		memcpy(msg + n + 2, suffix, slen - 1);
	}
}

int kdep_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setmsg(fmt, ap, NULL);
	va_end(ap);
	code = err;
	return err;
}

int kdep_errno(int err, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	/* a missing file is its own code: nobody has to read errno */
	if (err == KDEP_EIO && (e == ENOENT || e == ENOTDIR))
		err = KDEP_ENOENT;
	va_start(ap, fmt);
	setmsg(fmt, ap, strerror(e));
	va_end(ap);
	errno = e;
	code = err;
	return err;
}

const char *kdep_errmsg(void)
{
	return msg ? msg : nomem;
}

int kdep_errcode(void)
{
	return code;
}

int kdep_exitcode(int err)
{
	return err == KDEP_EIO || err == KDEP_ENOENT ? 2 : 1;
}
