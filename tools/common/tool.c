/* tool.c - what the three programs share (see tool.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

void die(int err)
{
	const char *m = kdep_errmsg();
	const char *v = tool.verbatim;

	if (v && strncmp(m, v, strlen(v)) == 0)
		fprintf(stderr, "%s\n", m);
	else
		fprintf(stderr, "%s: %s\n", tool.name, m);
	exit(tool.exitcode ? tool.exitcode(err) : kdep_exitcode(err));
}

void badusage(void)
{
	fputs(tool.usage, stderr);
	if (tool.tryhelp)
		fprintf(stderr, "Try '%s --help' for more information.\n",
			tool.name);
	exit(tool.usagestatus);
}

const char *optval(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

const char *optnext(int argc, char *argv[], int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s: %s needs a value\n", tool.name, name);
		badusage();
	}
	return argv[++*i];
}

int flushout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (tool.writeerrno)
		fprintf(stderr, "%s: %s: %s\n", tool.name, tool.writemsg,
			strerror(errno));
	else
		fprintf(stderr, "%s: %s\n", tool.name, tool.writemsg);
	return tool.writestatus;
}

enum kdep_layout layoutopt(const char *name)
{
	int l = kdep_layoutbyname(name);

	if (l < 0) {
		fprintf(stderr, "%s: %s\n", tool.name, kdep_errmsg());
		exit(tool.usagestatus);
	}
	return (enum kdep_layout)l;
}
