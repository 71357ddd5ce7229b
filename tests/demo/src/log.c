/* Logging, filtered at build time by CONFIG_DEMO_LOG_LEVEL. */
#include <stdarg.h>
#include <stdio.h>

#include "demo/log.h"

void demo_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > CONFIG_DEMO_LOG_LEVEL)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}
