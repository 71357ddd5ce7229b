/*
 * kdep - content-hash checks, hashes, stamp paths and config sync.
 *
 *	kdep stale [-v] [--cmd CMDLINE] TARGET...
 *	kdep changed TARGET [NEWER...]
 *	kdep make [MAKE-ARGUMENTS...]
 *	kdep hash FILE...
 *	kdep stamp-path [--layout=flat|split] [--dir=DIR] NAME...
 *	kdep sync-config [-v] [--layout=flat|split] [--dir=DIR]
 *	                 [--autoconf=FILE] CONFIGFILE
 *	kdep cc [options] -- COMPILER ARGS...
 *	kdep why [-C DIR] TARGET...
 *	kdep impact [-C DIR] [--count] [--json] PATH|CONFIG_NAME...
 *	kdep stats [-C DIR] [--top=N] [--json]
 *	kdep report [-C DIR] [--top=N] [--title=TEXT] -o FILE.html
 *
 * Each command is argument handling over one library call.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kdep.h"
#include "tool.h"

static const char usage[] =
	"usage: kdep stale [-v] [--cmd CMDLINE] TARGET...\n"
	"       kdep changed TARGET [NEWER...]\n"
	"       kdep make [MAKE-ARGUMENTS...]\n"
	"       kdep hash FILE...\n"
	"       kdep stamp-path [--layout=flat|split] [--dir=DIR] NAME...\n"
	"       kdep sync-config [-v] [--layout=flat|split] [--dir=DIR]\n"
	"                        [--autoconf=FILE] CONFIGFILE\n"
	"       kdep cc [--config-dir=DIR] [--layout=flat|split] [--prefix=P]\n"
	"               [--autoconf=NAME] [--depfile=FILE] [--cache=DIR]\n"
	"               -- COMPILER ARGS...\n"
	"       kdep why [-C DIR] TARGET...\n"
	"       kdep impact [-C DIR] [--count] [--json] PATH|CONFIG_NAME...\n"
	"       kdep stats [-C DIR] [--top=N] [--json]\n"
	"       kdep report [-C DIR] [--top=N] [--title=TEXT] -o FILE.html\n"
	"       kdep --help | --version\n";

static const char help[] =
	"\n"
	"stale        exit 0 if every TARGET is fresh, 1 if any is stale, 2 on\n"
	"             error, 3 if none is stale but some has no usable record\n"
	"             (none, corrupt, of another version, older than the\n"
	"             target: decide by mtimes).  Stale: the target is\n"
	"             missing, --cmd differs from the recorded command line,\n"
	"             a recorded file's content or presence or a recorded\n"
	"             CONFIG value differs.  Mtimes alone never count.\n"
	"             -v prints one line per reason.\n"
	"changed      what make's newer-prereqs should be for TARGET, given\n"
	"             the NEWER names make found: the names whose content\n"
	"             changed, NEWER itself without a usable record; one\n"
	"             line.  For makes without 'load' (a fork per target).\n"
	"make         run make in a kernel tree with content-hash decisions:\n"
	"             kdep.so loaded into every make, kbuild's newer-prereqs\n"
	"             answered by it, fixdep writing records.  No kernel file\n"
	"             is edited; clean, mrproper and distclean also remove\n"
	"             the records.\n"
	"hash         the XXH64 of each FILE's content, as '<hex>  FILE'.\n"
	"stamp-path   the canonical stamp path of each symbol NAME.\n"
	"sync-config  update the stamps of the symbols whose value changed\n"
	"             since the last run (default dir include/config, split\n"
	"             layout), and autoconf.h and auto.conf when they change.\n"
	"cc           run COMPILER ARGS (no shell; its exit status is kdep's,\n"
	"             127 if it cannot be run); when it succeeds, rewrite the\n"
	"             depfile it wrote (-MD/-MMD with -MF, -Wp,-MD,FILE, or X.d\n"
	"             beside -o X; --depfile overrides) for ninja: autoconf.h\n"
	"             (--autoconf, repeatable; by base name unless it has a\n"
	"             '/') becomes the stamps of the symbols (--prefix,\n"
	"             repeatable, default CONFIG_) the source and its headers\n"
	"             use, under --config-dir (default include/config) in\n"
	"             --layout (default split, as genconfig --sync-deps and\n"
	"             kdep sync-config write them).  A missing stamp is created\n"
	"             empty, dated 1970.  --cache keeps scans in DIR.  A\n"
	"             depfile that cannot be rewritten is left as it was, with\n"
	"             a warning.\n"
	"\n"
	"The rest read the .cmd files of the build folder DIR (default .):\n"
	"why          why each TARGET would be rebuilt now, one line per\n"
	"             reason: from its content-hash record if it has one, else\n"
	"             from mtimes as make decides.  Exit 0 if none would be,\n"
	"             1 if any would.\n"
	"impact       the targets a change to any PATH (a header, a source) or\n"
	"             CONFIG_NAME would rebuild, and their count.\n"
	"stats        objects, headers per object, bytes read, the headers\n"
	"             that cost most, the CONFIG symbols used most.\n"
	"report       the same as one self-contained HTML page with charts.\n"
	"\n"
	"Exit status: 0 ok; 1 bad data (a bad symbol name, a malformed\n"
	".config), or for stale a stale target; 2 usage, unreadable or\n"
	"unwritable files; 3 for stale, no usable record.  kdep make exits\n"
	"with make's status, kdep cc with the compiler's.\n";

/* Usage errors exit 2, as do unreadable and unwritable files. */
static int exitcode(int err)
{
	return err == KDEP_EDATA ? 1 : 2;
}

/*
 * Standard output is buffered: a full disk or a closed pipe shows only
 * at flushout().  A silent exit 2 would look like any other error: it
 * says what.
 */
const struct tool tool = {
	.name = "kdep",
	.usage = usage,
	.usagestatus = 2,
	.exitcode = exitcode,
	.writemsg = "cannot write output",
	.writeerrno = 1,
	.writestatus = 2,
};

static void printreason(void *ctx, const char *target, const char *reason)
{
	(void)ctx;
	(void)target;
	printf("%s\n", reason);
}

static int cmdstale(int argc, char **argv)
{
	struct kdep_checker *c;
	const char *cmd = NULL;
	int i, verbose = 0, stale = 0, norecord = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--cmd") == 0 && i + 1 < argc)
			cmd = argv[++i];
		else if (optval(argv[i], "--cmd"))
			cmd = optval(argv[i], "--cmd");
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	if (i == argc)
		badusage();
	if (!(c = kdep_checker_new(0)))
		die(KDEP_ENOMEM);
	for (; i < argc; i++) {
		int r = kdep_stale(c, argv[i], cmd,
				   verbose ? printreason : NULL, NULL);

		if (r < 0)
			die(r);
		stale |= r == KDEP_STALE;
		norecord |= r == KDEP_NORECORD;
	}
	kdep_checker_free(c);
	return flushout(stale ? 1 : norecord ? 3 : 0);
}

static int cmdchanged(int argc, char **argv)
{
	struct kdep_checker *c;
	struct kdep_buf newer = {0}, out = {0};
	int i, e;

	if (argc < 2 || argv[1][0] == '-')
		badusage();
	for (i = 2; i < argc; i++)
		if ((i > 2 && kdep_bufputs(&newer, " ") < 0) ||
		    kdep_bufputs(&newer, argv[i]) < 0)
			die(KDEP_ENOMEM);
	if (!(c = kdep_checker_new(KDEP_CHECK_REFRESH)))
		die(KDEP_ENOMEM);
	e = kdep_answer(c, argv[1], newer.data ? newer.data : "", &out,
			NULL, NULL);
	if (e < 0)
		fprintf(stderr, "kdep: %s: %s; rebuilding\n", argv[1],
			kdep_errmsg());
	printf("%s\n", out.data ? out.data : "");
	kdep_checker_free(c);
	kdep_buffree(&newer);
	kdep_buffree(&out);
	return flushout(e < 0 ? 2 : 0);
}

/*
 * The file next to this program's own (build tree: tools/../kdep.so;
 * installed: bin/../lib/kdep/kdep.so), or NULL.
 */
static char *besideme(const char *const *rel)
{
	char self[PATH_MAX], *slash;
	struct kdep_buf b = {0};
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0 || (size_t)n >= sizeof(self) - 1)
		return NULL;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return NULL;
	*slash = '\0';
	for (; *rel; rel++) {
		b.len = 0;
		if (kdep_bufprintf(&b, "%s/%s", self, *rel) < 0)
			die(KDEP_ENOMEM);
		if (access(b.data, R_OK) == 0) {
			char *abs = realpath(b.data, NULL);

			kdep_buffree(&b);
			return abs;
		}
	}
	kdep_buffree(&b);
	return NULL;
}

static char *findtool(const char *env, const char *const *rel)
{
	const char *v = getenv(env);

	if (v && *v)
		return realpath(v, NULL);
	return besideme(rel);
}

/* The folder make runs in (-C DIR, last wins), from make's arguments. */
static const char *makedir(int argc, char **argv, const char **objdir)
{
	const char *dir = ".", *v;
	int i;

	*objdir = getenv("KBUILD_OUTPUT");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strncmp(argv[i], "-C", 2) == 0 && argv[i][2])
			dir = argv[i] + 2;
		else if ((v = optval(argv[i], "--directory")))
			dir = v;
		else if (strncmp(argv[i], "O=", 2) == 0)
			*objdir = argv[i] + 2;
	}
	return dir;
}

static int iscleaning(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "clean") == 0 ||
		    strcmp(argv[i], "mrproper") == 0 ||
		    strcmp(argv[i], "distclean") == 0)
			return 1;
	return 0;
}

/* Run argv, passing signals on; its exit status (127: cannot run). */
static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "kdep: cannot fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "kdep: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	/* a ^C reaches make too (same process group): let make decide */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int cmdmake(int argc, char **argv)
{
	static const char *const plugrel[] = {"../kdep.so", "../lib/kdep/kdep.so",
					      NULL};
	static const char *const fixrel[] = {"fixdep", NULL};
	struct kdep_buf mk = {0}, env = {0};
	char tmp[] = "/tmp/kdep-make.XXXXXX";
	const char *dir, *objdir, *old = getenv("MAKEFILES");
	const char *make = getenv("KDEP_MAKE");
	char *plugin, *fixdep, **args;
	int e, fd, status, i;

	dir = makedir(argc, argv, &objdir);
	if (!(plugin = findtool("KDEP_PLUGIN", plugrel))) {
		fputs("kdep: cannot find kdep.so (set KDEP_PLUGIN)\n", stderr);
		return 2;
	}
	if (!(fixdep = findtool("KDEP_FIXDEP", fixrel))) {
		fputs("kdep: cannot find fixdep (set KDEP_FIXDEP)\n", stderr);
		return 2;
	}
	if ((e = kdep_kbuildmk(dir, plugin, fixdep, &mk)) < 0)
		die(e);
	if ((fd = mkstemp(tmp)) < 0 || kdep_writeall(fd, mk.data, mk.len) < 0 ||
	    close(fd) < 0) {
		fprintf(stderr, "kdep: cannot write %s: %s\n", tmp,
			strerror(errno));
		return 2;
	}
	/* MAKEFILES, unlike --eval, stays out of MAKEFLAGS: every sub-make
	   reads it, and kbuild's "make -i" test never sees the path */
	if (kdep_bufprintf(&env, "%s%s%s", tmp, old && *old ? " " : "",
			   old ? old : "") < 0)
		die(KDEP_ENOMEM);
	setenv("MAKEFILES", env.data, 1);
	if (!(args = calloc((size_t)argc + 1, sizeof(*args))))
		die(KDEP_ENOMEM);
	args[0] = (char *)(make && *make ? make : "make");
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
	status = run(args);
	unlink(tmp);
	if (status == 0 && iscleaning(argc, argv)) {
		struct kdep_buf top = {0};
		size_t n = 0;

		if (kdep_bufprintf(&top, "%s/%s", dir, objdir ? objdir : ".") < 0)
			die(KDEP_ENOMEM);
		if (objdir && objdir[0] == '/') {
			top.len = 0;
			kdep_bufputs(&top, objdir);
		}
		if ((e = kdep_removerecords(top.data, &n)) < 0)
			die(e);
		kdep_buffree(&top);
	}
	free(args);
	free(plugin);
	free(fixdep);
	kdep_buffree(&mk);
	kdep_buffree(&env);
	return status;
}

static int cmdhash(int argc, char **argv)
{
	int i, e;

	if (argc < 2)
		badusage();
	for (i = 1; i < argc; i++) {
		uint64_t h;

		if ((e = kdep_hashfile(argv[i], &h, NULL)) < 0)
			die(e);
		printf("%016" PRIx64 "  %s\n", h, argv[i]);
	}
	return flushout(0);
}

static int cmdstamppath(int argc, char **argv)
{
	struct kdep_buf b = {0};
	enum kdep_layout layout = KDEP_FLAT;
	const char *dir = NULL, *v;
	int i, e;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = optval(argv[i], "--layout")))
			layout = layoutopt(v);
		else if ((v = optval(argv[i], "--dir")))
			dir = v;
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	if (i == argc)
		badusage();
	for (; i < argc; i++) {
		b.len = 0;
		if ((e = kdep_stamppath(&b, dir, argv[i], strlen(argv[i]),
					layout)) < 0) {
			fprintf(stderr, "kdep: %s: %s\n", argv[i],
				kdep_errmsg());
			exit(1);
		}
		printf("%s\n", b.data);
	}
	kdep_buffree(&b);
	return flushout(0);
}

static int cmdsyncconfig(int argc, char **argv)
{
	struct kdep_syncopts o = {.layout = KDEP_SPLIT};
	struct kdep_syncstats st;
	const char *v;
	int i, e, verbose = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = optval(argv[i], "--layout")))
			o.layout = layoutopt(v);
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if ((v = optval(argv[i], "--dir")))
			o.dir = v;
		else if ((v = optval(argv[i], "--autoconf")))
			o.autoheader = v;
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	if (argc - i != 1)
		badusage();
	o.config = argv[i];
	if ((e = kdep_syncconfig(&o, &st)) < 0)
		die(e);
	if (st.ignored) /* as kconfig, which warns of "unexpected data" */
		fprintf(stderr, "kdep: %s:%u: warning: indented line ignored "
				"(%u in all)\n",
			o.config, st.firstignored, st.ignored);
	if (verbose)
		printf("%zu symbols, %zu changed, %zu stamps written%s%s\n",
		       st.symbols, st.changed, st.written,
		       st.autoheader ? ", autoconf.h updated" : "",
		       st.autoconf ? ", auto.conf updated" : "");
	return flushout(0);
}

static int showhelp(void)
{
	fputs(usage, stdout);
	fputs(help, stdout);
	return flushout(0);
}

/* Add v to a NULL-terminated list of at most max entries. */
static void addlist(const char **list, size_t max, const char *v)
{
	size_t n = 0;

	while (list[n])
		n++;
	if (n + 1 >= max)
		badusage();
	list[n] = v;
}

/* kdep cc: the compiler's exit status is ours; a signal that ended it
 * ends us too, as if it had been exec'd. */
static int cmdcc(int argc, char **argv)
{
	const char **autoconf = calloc((size_t)argc + 1, sizeof(char *));
	const char **prefixes = calloc((size_t)argc + 1, sizeof(char *));
	const char *cache = NULL;
	struct kdep_launch l = {.layout = KDEP_SPLIT};
	struct kdep_cache *c = NULL;
	struct kdep_buf dep = {0};
	const char *v;
	int i, e, status, ret = 0;

	if (!autoconf || !prefixes)
		die(KDEP_ENOMEM);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else if (strcmp(argv[i], "--help") == 0) {
			free(autoconf);
			free(prefixes);
			return showhelp();
		} else if ((v = optval(argv[i], "--config-dir")))
			l.configdir = v;
		else if ((v = optval(argv[i], "--layout")))
			l.layout = layoutopt(v);
		else if ((v = optval(argv[i], "--prefix")))
			addlist(prefixes, (size_t)argc + 1, v);
		else if ((v = optval(argv[i], "--autoconf")))
			addlist(autoconf, (size_t)argc + 1, v);
		else if ((v = optval(argv[i], "--depfile")))
			l.depfile = v;
		else if ((v = optval(argv[i], "--cache")))
			cache = v;
		else
			badusage();
	}
	if (i == argc)
		badusage();
	if ((e = kdep_spawn(argv + i, &status)) < 0) {
		fprintf(stderr, "kdep: %s\n", kdep_errmsg());
		ret = 127;
		goto done;
	}
	if (WIFSIGNALED(status)) {
		free(autoconf);
		free(prefixes);
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	if ((ret = WEXITSTATUS(status)) != 0)
		goto done;
	if (!l.depfile && (e = kdep_depfileof(argv + i, &dep)) <= 0) {
		ret = e < 0 ? 1 : 0; /* writes no depfile */
		goto done;
	}
	if (!l.depfile)
		l.depfile = dep.data;
	l.autoconf = autoconf[0] ? autoconf : NULL;
	l.scan.prefixes = prefixes[0] ? prefixes : NULL;
	l.scan.boundary = 1;
	if (cache && kdep_cache_open(&c, cache, &l.scan) < 0)
		fprintf(stderr, "kdep: warning: %s; not using the cache\n",
			kdep_errmsg());
	l.cache = c;
	if (kdep_launch_rewrite(&l) < 0)
		fprintf(stderr, "kdep: warning: %s; depfile left as it was\n",
			kdep_errmsg());
	kdep_cache_close(c);
done:
	kdep_buffree(&dep);
	free(autoconf);
	free(prefixes);
	return ret;
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "kdep: warning: %s\n", msg);
}

/* The graph of the .cmd files under dir (NULL: the current folder). */
static struct kdep_graph *load(const char *root)
{
	struct kdep_graph *g = kdep_graph_new(root);
	int e;

	if (!g)
		die(KDEP_ENOMEM);
	if ((e = kdep_graph_load(g, warn, NULL)) < 0)
		die(e);
	return g;
}

/*
 * Options the graph commands share: -C DIR (the build folder; paths on
 * the command line stay relative to where kdep was started but the
 * targets of why), --top=N, --json, --count, --title=, -o FILE.
 */
static const char *dir;

static int graphopts(int argc, char **argv, int *flags, size_t *top,
		     const char **title, const char **out)
{
	const char *v;
	char *end;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (flags && strcmp(argv[i], "--json") == 0)
			*flags |= KDEP_OUT_JSON;
		else if (flags && !top && strcmp(argv[i], "--count") == 0)
			*flags |= KDEP_OUT_COUNT;
		else if (top && (v = optval(argv[i], "--top"))) {
			*top = strtoul(v, &end, 10);
			if (!*v || *end)
				badusage();
		} else if (title && (v = optval(argv[i], "--title")))
			*title = v;
		else if (out && strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			*out = argv[++i];
		else if (strcmp(argv[i], "--") == 0 && ++i)
			break;
		else
			badusage();
	}
	return i;
}

static void printwhy(void *ctx, const char *target, const char *reason)
{
	(void)target;
	printf("%s [%s]\n", reason, ((struct kdep_buf *)ctx)->data);
}

static int cmdwhy(int argc, char **argv)
{
	struct kdep_buf how = {0};
	struct kdep_checker *c;
	int i = graphopts(argc, argv, NULL, NULL, NULL, NULL), any = 0;

	if (i == argc)
		badusage();
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "kdep: %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	if (!(c = kdep_checker_new(0)))
		die(KDEP_ENOMEM);
	for (; i < argc; i++) {
		int r;

		/* reasons print with how, which kdep_why sets first */
		if ((r = kdep_why(c, argv[i], printwhy, &how, &how)) < 0)
			die(r);
		if (!r)
			printf("%s: up to date [%s]\n", argv[i], how.data);
		any |= r;
	}
	kdep_buffree(&how);
	kdep_checker_free(c);
	return flushout(any);
}

static int cmdimpact(int argc, char **argv)
{
	struct kdep_buf b = {0};
	struct kdep_graph *g;
	int flags = 0, i = graphopts(argc, argv, &flags, NULL, NULL, NULL);
	long r;

	if (i == argc)
		badusage();
	g = load(dir);
	if ((r = kdep_impact(g, (const char *const *)argv + i,
			     (size_t)(argc - i), flags, &b)) < 0)
		die((int)r);
	fwrite(b.data, 1, b.len, stdout);
	kdep_buffree(&b);
	kdep_graph_free(g);
	return flushout(0);
}

static int cmdstats(int argc, char **argv)
{
	struct kdep_buf b = {0};
	struct kdep_stats st;
	struct kdep_graph *g;
	size_t top = 10;
	int flags = 0, e;

	if (graphopts(argc, argv, &flags, &top, NULL, NULL) != argc)
		badusage();
	g = load(dir);
	if ((e = kdep_stats(g, &st)) < 0 ||
	    (e = kdep_stats_print(&st, top, flags, &b)) < 0)
		die(e);
	fwrite(b.data, 1, b.len, stdout);
	kdep_buffree(&b);
	kdep_stats_free(&st);
	kdep_graph_free(g);
	return flushout(0);
}

static int cmdreport(int argc, char **argv)
{
	struct kdep_buf b = {0};
	struct kdep_stats st;
	struct kdep_graph *g;
	const char *title = "kdep report", *out = NULL;
	size_t top = 20;
	int e;

	if (graphopts(argc, argv, NULL, &top, &title, &out) != argc || !out)
		badusage();
	g = load(dir);
	if ((e = kdep_stats(g, &st)) < 0 ||
	    (e = kdep_report_html(&st, top, title, &b)) < 0 ||
	    (e = kdep_writefile(out, b.data, b.len, 0644)) < 0)
		die(e);
	kdep_buffree(&b);
	kdep_stats_free(&st);
	kdep_graph_free(g);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
	{"stale", cmdstale},
	{"changed", cmdchanged},
	{"make", cmdmake},
	{"hash", cmdhash},
	{"stamp-path", cmdstamppath},
	{"sync-config", cmdsyncconfig},
	{"cc", cmdcc},
	{"why", cmdwhy},
	{"impact", cmdimpact},
	{"stats", cmdstats},
	{"report", cmdreport},
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		badusage();
	if (strcmp(argv[1], "--help") == 0)
		return showhelp();
	if (strcmp(argv[1], "--version") == 0) {
		printf("kdep (libkdep) %s\n", KDEP_VERSION);
		return flushout(0);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kdep: unknown command '%s'\n", argv[1]);
	badusage();
	return 2;
}
