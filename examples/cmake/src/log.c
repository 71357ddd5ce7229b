#include <stdio.h>
#include "log.h"

void logmsg(int level, const char *msg)
{
	fprintf(stderr, "<%d/%d> %s\n", level, CONFIG_LOG_LEVEL, msg);
}
