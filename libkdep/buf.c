/* buf.c - growable, always NUL-terminated byte buffers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int grow(struct kdep_buf *b, size_t n)
{
	size_t need, cap;

	if (n > (size_t)-1 / 4 - b->len)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d)
		return kdep_err(KDEP_ENOMEM, "out of memory");
	b->data = d;
	b->cap = cap;
	return 0;
}

int kdep_bufreserve(struct kdep_buf *b, size_t n)
{
	if (grow(b, n) < 0)
		return KDEP_ENOMEM;
	b->data[b->len] = '\0';
	return 0;
}

int kdep_bufadd(struct kdep_buf *b, const void *p, size_t n)
{
	if (grow(b, n) < 0)
		return KDEP_ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int kdep_bufputs(struct kdep_buf *b, const char *s)
{
	return kdep_bufadd(b, s, strlen(s));
}

int kdep_bufprintf(struct kdep_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kdep_err(KDEP_EDATA, "bad format");
	if (grow(b, (size_t)n) < 0)
		return KDEP_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void kdep_buffree(struct kdep_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
