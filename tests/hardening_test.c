/*
 * hardening_test.c - hostile input, and reads and writes under signals.
 *
 * The "hostile" suite is README's "Hostile input" table, one test per
 * row, named after it: each runs a tool the way a build would and checks
 * the exit status and the one line on stderr that the table promises.
 * Nothing may hang (every tool runs under timeout: status 124 fails the
 * test) and nothing may print a half-made .cmd on stdout.
 *
 * The "signals" suite interrupts the library's reads and writes with a
 * signal handler installed without SA_RESTART, so a blocked read() or
 * write() returns EINTR or a short count: every byte must still arrive.
 */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

#define MB (1024 * 1024)

struct res {
	int rc;
	char *out, *err;
};

/*
 * Run a shell command line with our tools first on PATH and our opt-in
 * environment switches off.  fmt is printf-style.
 */
static struct res run(const char *input, const char *fmt, ...)
{
	char *tool = tu_tool(""), *line, *cmd;
	struct res r;
	va_list ap;

	va_start(ap, fmt);
	cr_assert(vasprintf(&line, fmt, ap) > 0);
	va_end(ap);
	cr_assert(asprintf(&cmd,
			   "PATH='%s':\"$PATH\" timeout 60 env -u KDEP_COMPAT "
			   "-u KDEP_CACHE -u KDEP_RECORD %s",
			   tool, line) > 0);
	r.rc = tu_run(cmd, input, &r.out, &r.err);
	free(cmd);
	free(line);
	free(tool);
	return r;
}

/* Exit status rc, nothing on stdout, exactly err on stderr. */
static void expect_fail(struct res r, int rc, const char *err)
{
	cr_assert_eq(r.rc, rc, "exit %d, want %d: %s", r.rc, rc, r.err);
	cr_assert_str_eq(r.out, "");
	cr_assert_str_eq(r.err, err);
	free(r.out);
	free(r.err);
}

/* Exit 0 and nothing on stderr; returns stdout (the caller frees). */
static char *expect_ok(struct res r)
{
	cr_assert_eq(r.rc, 0, "exit %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.err, "");
	free(r.err);
	return r.out;
}

/* A small compile: a.c uses CONFIG_A and includes a.h (CONFIG_B). */
static void tree(void)
{
	free(tu_tmpdir());
	tu_write("a.c", "#include \"a.h\"\nint a = CONFIG_A;\n");
	tu_write("a.h", "#define B CONFIG_B\n");
	tu_write("a.d", "a.o: a.c a.h\n");
}

static const char small_cmd[] = "savedcmd_a.o := cc\n\n"
				"source_a.o := a.c\n\n"
				"deps_a.o := \\\n"
				"    $(wildcard include/config/A) \\\n"
				"  a.h \\\n"
				"    $(wildcard include/config/B) \\\n"
				"\n"
				"a.o: $(deps_a.o)\n\n"
				"$(deps_a.o):\n";

/* n copies of the string s, NUL-terminated (the caller frees). */
static char *repeat(const char *s, size_t n)
{
	size_t len = strlen(s), i;
	char *p = malloc(len * n + 1);

	cr_assert_not_null(p);
	for (i = 0; i < n; i++)
		memcpy(p + i * len, s, len);
	p[len * n] = '\0';
	return p;
}

/* ---- depfiles ---- */

Test(hostile, missing_depfile)
{
	tree();
	expect_fail(run(NULL, "fixdep nope.d a.o cc"), 2,
		    "fixdep: error opening file: nope.d: "
		    "No such file or directory\n");
}

Test(hostile, empty_depfile)
{
	tree();
	tu_write("a.d", "");
	expect_fail(run(NULL, "fixdep a.d a.o cc"), 1,
		    "fixdep: parse error; no targets found\n");
}

/* An ELF header holds a NUL by its 8th byte: the rule after it is unread. */
Test(hostile, binary_depfile)
{
	static const char elf[] = "\177ELF\2\1\1\0\0\0a.o: a.c a.h\n";

	tree();
	tu_writen("a.d", elf, sizeof(elf) - 1);
	expect_fail(run(NULL, "fixdep a.d a.o cc"), 1,
		    "fixdep: parse error; no targets found\n");
}

/* As upstream, a NUL ends the depfile: the missing b.h is never opened. */
Test(hostile, nul_byte_in_a_depfile)
{
	static const char dep[] = "a.o: a.c a.h\0 b.h\n";
	char *out;

	tree();
	tu_writen("a.d", dep, sizeof(dep) - 1);
	out = expect_ok(run(NULL, "fixdep --compat=linux-6.3 a.d a.o cc"));
	cr_assert_str_eq(out, small_cmd);
	free(out);
}

/* As upstream, a NUL ends a file's scan: CONFIG_C after it is unused. */
Test(hostile, nul_byte_in_a_header)
{
	static const char h[] = "#define B CONFIG_B\n\0CONFIG_C\n";
	char *out;

	tree();
	tu_writen("a.h", h, sizeof(h) - 1);
	out = expect_ok(run(NULL, "fixdep --compat=linux-6.3 a.d a.o cc"));
	cr_assert_str_eq(out, small_cmd);
	free(out);
}

/* One 1 MB line naming a.h 262144 times: listed once (6.3 dedupes). */
Test(hostile, one_megabyte_line_of_prerequisites)
{
	char *many = repeat(" a.h", MB / 4), *dep, *out;

	tree();
	cr_assert(asprintf(&dep, "a.o: a.c%s\n", many) > 0);
	tu_write("a.d", dep);
	out = expect_ok(run(NULL, "fixdep --compat=linux-6.3 a.d a.o cc"));
	cr_assert_str_eq(out, small_cmd);
	free(out);
	free(dep);
	free(many);
}

/* A 1 MB path is tokenized whole and refused by open() with its name. */
Test(hostile, one_megabyte_word_in_a_depfile)
{
	char *word = repeat("x", MB), *dep, *want;

	tree();
	cr_assert(asprintf(&dep, "a.o: a.c %s\n", word) > 0);
	tu_write("a.d", dep);
	cr_assert(asprintf(&want,
			   "fixdep: error opening file: %s: "
			   "File name too long\n",
			   word) > 0);
	expect_fail(run(NULL, "fixdep a.d a.o cc"), 2, want);
	free(want);
	free(dep);
	free(word);
}

/* A header whose one line is 1 MB of symbols: each listed once. */
Test(hostile, one_megabyte_line_in_a_header)
{
	char *many = repeat("CONFIG_B + ", MB / 11), *h, *out;

	tree();
	cr_assert(asprintf(&h, "#define B %sCONFIG_B\n", many) > 0);
	tu_write("a.h", h);
	out = expect_ok(run(NULL, "fixdep --compat=linux-6.3 a.d a.o cc"));
	cr_assert_str_eq(out, small_cmd);
	free(out);
	free(h);
	free(many);
}

/* A 1 MB symbol name is a 1 MB stamp path: long, but a name. */
Test(hostile, one_megabyte_symbol_name)
{
	char *name = repeat("X", MB), *h, *line, *out;

	tree();
	cr_assert(asprintf(&h, "#define B CONFIG_%s\n", name) > 0);
	tu_write("a.h", h);
	cr_assert(asprintf(&line,
			   "  a.h \\\n    $(wildcard include/config/%s) "
			   "\\\n\n",
			   name) > 0);
	out = expect_ok(run(NULL, "fixdep --compat=linux-6.3 a.d a.o cc"));
	cr_assert_not_null(strstr(out, line));
	free(out);
	free(line);
	free(h);
	free(name);
}

/* Up to 6.2, as upstream, every backslash separates: "my", "file.h". */
Test(hostile, path_with_spaces_up_to_linux_6_2)
{
	tree();
	tu_write("my file.h", "");
	tu_write("a.d", "a.o: a.c my\\ file.h\n");
	expect_fail(run(NULL, "fixdep --compat=linux-5.13 a.d a.o cc"), 2,
		    "fixdep: error opening file: my: "
		    "No such file or directory\n");
}

/* From 6.3, as upstream, the escape stays: the file "my\ file.h" is read. */
Test(hostile, path_with_spaces_from_linux_6_3)
{
	char *out;

	tree();
	tu_write("my\\ file.h", "CONFIG_C\n");
	tu_write("a.d", "a.o: a.c my\\ file.h\n");
	out = expect_ok(run(NULL, "fixdep --compat=linux-6.3 a.d a.o cc"));
	cr_assert_not_null(strstr(out, "  my\\ file.h \\\n"
				       "    $(wildcard include/config/C) \\\n"),
			   "%s", out);
	free(out);
}

/* The record keeps the path last on its line, so spaces are fine. */
Test(hostile, target_with_spaces_gets_a_usable_record)
{
	tree();
	tu_write("my a.o", "");
	tu_setmtime("a.c", 1000, 0);
	tu_setmtime("a.h", 1000, 0);
	tu_setmtime("a.d", 2000, 0);
	free(expect_ok(run(NULL, "fixdep --record a.d 'my a.o' cc")));
	cr_assert_eq(access(".my a.o.kdep", F_OK), 0);
	free(expect_ok(run(NULL, "kdep stale --cmd cc 'my a.o'")));
}

/* ---- symbol names that try to be paths ---- */

Test(hostile, symbol_name_with_a_slash_for_stamp_path)
{
	free(tu_tmpdir());
	expect_fail(run(NULL, "kdep stamp-path --dir=include/config A/B"), 1,
		    "kdep: A/B: bad symbol name: byte 0x2f at offset 1\n");
}

Test(hostile, symbol_name_dot_dot_for_stamp_path)
{
	free(tu_tmpdir());
	expect_fail(run(NULL, "kdep stamp-path --layout=split .."), 1,
		    "kdep: ..: bad symbol name: byte 0x2e at offset 0\n");
}

Test(hostile, symbol_name_of_4_kb_for_stamp_path)
{
	char *name = repeat("AB_", 4096 / 3), *want, *out;

	free(tu_tmpdir());
	cr_assert(asprintf(&want, "include/config/%s\n", name) > 0);
	out = expect_ok(
	    run(NULL, "kdep stamp-path --dir=include/config %s", name));
	cr_assert_str_eq(out, want);
	free(out);
	free(want);
	free(name);
}

Test(hostile, symbol_name_with_a_slash_on_extra_deps_stdin)
{
	tree();
	expect_fail(
	    run("KSYM_a/b\n", "fixdep --compat=linux-4.17 -e a.d a.o cc"), 1,
	    "fixdep: bad data on stdin\n");
}

Test(hostile, symbol_name_dot_dot_on_extra_deps_stdin)
{
	tree();
	expect_fail(run("..\n", "fixdep --compat=linux-4.17 -e a.d a.o cc"), 1,
		    "fixdep: bad data on stdin\n");
}

Test(hostile, symbol_name_of_4_kb_on_extra_deps_stdin)
{
	char *name = repeat("ab_", 4096 / 3), *in, *want, *out;
	size_t n = strlen(name);

	tree();
	cr_assert(asprintf(&in, "%s\n", name) > 0);
	/* split layout: '_' -> '/', the trailing one kept, ".h" appended */
	for (size_t i = 0; i < n; i++)
		if (name[i] == '_')
			name[i] = '/';
	cr_assert(asprintf(&want, "    $(wildcard include/ksym/%s.h) \\\n",
			   name) > 0);
	out = expect_ok(run(in, "fixdep --compat=linux-4.17 -e a.d a.o cc"));
	cr_assert_not_null(strstr(out, want));
	free(out);
	free(want);
	free(in);
	free(name);
}

/* ---- records and the scan cache ---- */

/* A record as fixdep --record writes it, with every file in the past. */
static void recorded(void)
{
	tree();
	tu_write("a.o", "");
	tu_setmtime("a.c", 1000, 0);
	tu_setmtime("a.h", 1000, 0);
	tu_setmtime("a.d", 2000, 0);
	free(expect_ok(run(NULL, "fixdep --record a.d a.o cc")));
	free(expect_ok(run(NULL, "kdep stale --cmd cc a.o")));
}

/* A record of a later version, valid checksum: not understood, no record. */
Test(hostile, record_from_a_future_version)
{
	struct kdep_buf b = {0};
	char *rec, *end;

	recorded();
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert_not_null(rec);
	cr_assert_eq(strncmp(rec, "kdep-record 2\n", 14), 0);
	rec[12] = '3';
	end = strstr(rec, "end ");
	cr_assert_not_null(end);
	cr_assert_eq(kdep_bufadd(&b, rec, (size_t)(end - rec)), 0);
	cr_assert_eq(
	    kdep_bufprintf(&b, "end %016llx\n",
			   (unsigned long long)kdep_hash(b.data, b.len, 0)),
	    0);
	tu_writen(".a.o.kdep", b.data, b.len);
	struct res r = run(NULL, "kdep stale -v --cmd cc a.o");
	cr_assert_eq(r.rc, 3, "exit %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.out, "a.o: .a.o.kdep is corrupt\n");
	cr_assert_str_eq(r.err, "");
	free(r.out);
	free(r.err);
	kdep_buffree(&b);
	free(rec);
}

Test(hostile, record_that_is_a_fifo, .timeout = 60)
{
	tree();
	tu_write("a.o", "");
	cr_assert_eq(mkfifo(".a.o.kdep", 0644), 0);
	struct res r = run(NULL, "kdep stale -v a.o");
	cr_assert_eq(r.rc, 3, "exit %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.out, "a.o: error reading file: .a.o.kdep: "
				"not a regular file\n");
	free(r.out);
	free(r.err);
}

/*
 * Every byte after the slot table of a warm cache is flipped: every entry
 * fails its checksum, every file is scanned again, the output is right.
 */
Test(hostile, cache_entry_with_a_bad_checksum)
{
	size_t len, i, data = 24 + 65536 * 4;
	char *idx, *out;

	tree();
	free(expect_ok(run(NULL, "fixdep --cache=c a.d a.o cc")));
	idx = tu_read("c/scan.idx", &len);
	cr_assert_gt(len, data);
	for (i = data; i < len; i++)
		idx[i] ^= 0x5a;
	tu_writen("c/scan.idx", idx, len);
	out = expect_ok(run(NULL, "fixdep --cache=c a.d a.o cc"));
	cr_assert_str_eq(out, small_cmd);
	free(out);
	free(idx);
}

/* Cut in the header, in the slot table, in an entry: a rescan each time. */
Test(hostile, truncated_cache_file)
{
	size_t len, cut[3], i;
	char *idx, *out;

	tree();
	free(expect_ok(run(NULL, "fixdep --cache=c a.d a.o cc")));
	idx = tu_read("c/scan.idx", &len);
	cut[0] = 10;
	cut[1] = 24 + 1000 * 16;
	cut[2] = len - 5;
	for (i = 0; i < 3; i++) {
		tu_writen("c/scan.idx", idx, cut[i]);
		out = expect_ok(run(NULL, "fixdep --cache=c a.d a.o cc"));
		cr_assert_str_eq(out, small_cmd, "cut at %zu", cut[i]);
		free(out);
	}
	free(idx);
}

Test(hostile, cache_folder_that_is_a_file)
{
	tree();
	tu_write("c", "");
	expect_fail(run(NULL, "fixdep --cache=c a.d a.o cc"), 2,
		    "fixdep: cannot open c/scan.idx: Not a directory\n");
}

/* ---- files that are not regular files ---- */

Test(hostile, depfile_that_is_a_directory)
{
	tree();
	cr_assert_eq(mkdir("d", 0755), 0);
	expect_fail(run(NULL, "fixdep d a.o cc"), 2,
		    "fixdep: error reading file: d: Is a directory\n");
}

Test(hostile, depfile_that_is_a_fifo, .timeout = 60)
{
	tree();
	cr_assert_eq(mkfifo("p", 0644), 0);
	expect_fail(run(NULL, "fixdep p a.o cc"), 2,
		    "fixdep: error reading file: p: not a regular file\n");
}

Test(hostile, dependency_that_is_a_directory)
{
	tree();
	cr_assert_eq(mkdir("d", 0755), 0);
	tu_write("a.d", "a.o: a.c d\n");
	expect_fail(run(NULL, "fixdep a.d a.o cc"), 2,
		    "fixdep: error reading file: d: Is a directory\n");
	expect_fail(run(NULL, "fixdep --cache=c a.d a.o cc"), 2,
		    "fixdep: error reading file: d: Is a directory\n");
}

Test(hostile, dependency_that_is_a_fifo, .timeout = 60)
{
	tree();
	cr_assert_eq(mkfifo("p", 0644), 0);
	tu_write("a.d", "a.o: a.c p\n");
	expect_fail(run(NULL, "fixdep a.d a.o cc"), 2,
		    "fixdep: error reading file: p: not a regular file\n");
	expect_fail(run(NULL, "fixdep --cache=c a.d a.o cc"), 2,
		    "fixdep: error reading file: p: not a regular file\n");
}

Test(hostile, dependency_that_is_a_dangling_symlink)
{
	tree();
	cr_assert_eq(symlink("nowhere.h", "l.h"), 0);
	tu_write("a.d", "a.o: a.c l.h\n");
	expect_fail(run(NULL, "fixdep a.d a.o cc"), 2,
		    "fixdep: error opening file: l.h: "
		    "No such file or directory\n");
	expect_fail(run(NULL, "fixdep --cache=c a.d a.o cc"), 2,
		    "fixdep: error opening file: l.h: "
		    "No such file or directory\n");
}

/* A device is no header: refused, the endless one after one buffer. */
Test(hostile, dependency_that_is_a_device, .timeout = 60)
{
	static const char *const devs[] = {"/dev/null", "/dev/zero"};
	size_t i;

	tree();
	for (i = 0; i < 2; i++) {
		char *dep, *err;

		cr_assert(asprintf(&dep, "a.o: a.c %s\n", devs[i]) > 0);
		cr_assert(asprintf(&err, "fixdep: error reading file: %s: "
					 "not a regular file\n",
				   devs[i]) > 0);
		tu_write("a.d", dep);
		expect_fail(run(NULL, "fixdep a.d a.o cc"), 2, err);
		expect_fail(run(NULL, "fixdep --cache=c a.d a.o cc"), 2, err);
		free(dep);
		free(err);
	}
}

/* root reads anything, so as root the tool runs as nobody. */
Test(hostile, unreadable_dependency)
{
	char *dir = tu_tmpdir();
	const char *as = geteuid() == 0 ? "setpriv --reuid=65534 "
					  "--regid=65534 --clear-groups "
					: "";

	cr_assert_eq(chmod(dir, 0755), 0);
	tu_write("a.c", "");
	tu_write("a.h", "CONFIG_B\n");
	tu_write("a.d", "a.o: a.c a.h\n");
	cr_assert_eq(chmod("a.h", 0), 0);
	expect_fail(run(NULL, "%sfixdep a.d a.o cc", as), 2,
		    "fixdep: error opening file: a.h: Permission denied\n");
	free(dir);
}

/* ---- config files ---- */

Test(hostile, binary_config_file)
{
	static const char elf[] = "\177ELF\2\1\1\0\0\0CONFIG_A=y\n";

	free(tu_tmpdir());
	tu_writen(".config", elf, sizeof(elf) - 1);
	expect_fail(run(NULL, "kdep sync-config --dir=inc --autoconf=a.h "
			      ".config"),
		    1, "kdep: .config:1: NUL byte\n");
	cr_assert_null(tu_read("inc/auto.conf", NULL));
}

Test(hostile, indented_config_line_is_ignored_with_a_warning)
{
	struct res r;
	char *got;

	free(tu_tmpdir());
	tu_write(".config", "CONFIG_A=y\n  CONFIG_B=y\n\t# CONFIG_A is not set\n");
	r = run(NULL, "kdep sync-config --dir=inc --autoconf=a.h .config");
	cr_assert_eq(r.rc, 0, "exit %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.err, "kdep: .config:2: warning: indented line "
				"ignored (2 in all)\n");
	free(r.out);
	free(r.err);
	got = tu_read("inc/auto.conf", NULL);
	cr_assert_str_eq(got, "#\n# Automatically generated file; DO NOT "
			      "EDIT.\n#\nCONFIG_A=y\n");
	free(got);
}

/* ---- reads and writes interrupted by signals ---- */

static volatile sig_atomic_t ticks;

static void tick(int sig)
{
	(void)sig;
	ticks++;
}

/*
 * SIGALRM every millisecond, its handler installed without SA_RESTART
 * (faster starves the test under valgrind).
 */
static void timer_on(void)
{
	struct sigaction sa;
	struct itimerval it = {{0, 1000}, {0, 1000}};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ticks = 0;
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

/* valgrind delivers signals so slowly that these tests never end */
static void novalgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");

	if (pre && strstr(pre, "vgpreload"))
		cr_skip_test("signals are too slow under valgrind");
}

static void timer_off(void)
{
	struct itimerval it = {{0, 0}, {0, 0}};

	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	signal(SIGALRM, SIG_IGN);
}

/* Byte i of the test pattern. */
static char pattern(size_t i)
{
	return (char)((i * 2654435761u) >> 13);
}

/*
 * A child that writes n pattern bytes to fd in chunks of 1000, pausing
 * between them, so the parent's read() blocks, is interrupted and
 * returns short counts.
 */
static pid_t slowwriter(int fd, int rd, size_t n)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		char buf[1000];
		size_t off = 0, i;

		/* were the parent to die, a write must fail, not block */
		close(rd);
		signal(SIGALRM, SIG_IGN);
		while (off < n) {
			size_t k =
			    n - off < sizeof(buf) ? n - off : sizeof(buf);

			for (i = 0; i < k; i++)
				buf[i] = pattern(off + i);
			if (write(fd, buf, k) != (ssize_t)k)
				_exit(1);
			off += k;
			if (off % 16000 == 0)
				usleep(1000);
		}
		_exit(0);
	}
	return pid;
}

static void check_pattern(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cr_assert_eq(p[i], pattern(i), "byte %zu differs", i);
}

static void reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

Test(signals, readfd_gets_every_byte_while_signals_interrupt_it, .timeout = 120)
{
	size_t n = 2 * MB;
	struct kdep_buf b = {0};
	int p[2];
	pid_t pid;

	novalgrind();
	cr_assert_eq(pipe(p), 0);
	pid = slowwriter(p[1], p[0], n);
	close(p[1]);
	timer_on();
	cr_assert_eq(kdep_readfd(p[0], "pipe", &b), 0, "%s", kdep_errmsg());
	timer_off();
	cr_assert_gt(ticks, 0, "no signal arrived during the read");
	cr_assert_eq(b.len, n);
	check_pattern(b.data, n);
	close(p[0]);
	reap(pid);
	kdep_buffree(&b);
}

Test(signals, readfile_gets_every_byte_while_a_timer_fires, .timeout = 120)
{
	size_t n = 32 * MB, i;
	struct kdep_buf b = {0};
	char *data;
	int round;

	novalgrind();
	data = malloc(n);
	cr_assert_not_null(data);
	for (i = 0; i < n; i++)
		data[i] = pattern(i);
	free(tu_tmpdir());
	tu_writen("big", data, n);
	timer_on();
	for (round = 0; round < 4; round++) {
		cr_assert_eq(kdep_readfile("big", &b, NULL), 0, "%s",
			     kdep_errmsg());
		cr_assert_eq(b.len, n);
		cr_assert(memcmp(b.data, data, n) == 0);
	}
	timer_off();
	cr_assert_gt(ticks, 0, "no signal arrived during the reads");
	kdep_buffree(&b);
	free(data);
}

/*
 * The pipe holds 64 KB: writing 2 MB blocks until a slow reader drains
 * it, and the signals interrupt the blocked write().
 */
Test(signals, writeall_writes_every_byte_while_signals_interrupt_it,
     .timeout = 120)
{
	size_t n = 2 * MB, i;
	char *data;
	int p[2];
	pid_t pid;

	novalgrind();
	data = malloc(n);
	cr_assert_not_null(data);
	for (i = 0; i < n; i++)
		data[i] = pattern(i);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char buf[1000];
		size_t off = 0;
		ssize_t k;

		close(p[1]);
		while ((k = read(p[0], buf, sizeof(buf))) > 0) {
			for (i = 0; i < (size_t)k; i++)
				if (buf[i] != pattern(off + i))
					break;
			if (i < (size_t)k)
				break;
			off += (size_t)k;
			if (off % 16000 < 1000)
				usleep(1000);
		}
		free(data);
		_exit(off == n ? 0 : 3);
	}
	close(p[0]);
	timer_on();
	cr_assert_eq(kdep_writeall(p[1], data, n), 0);
	timer_off();
	cr_assert_gt(ticks, 0, "no signal arrived during the write");
	close(p[1]);
	reap(pid);
	free(data);
}

/* ---- devices ---- */

/* fixdep -o /dev/null must not rename a file over /dev/null. */
Test(devices, writefile_writes_a_fifo_in_place, .timeout = 60)
{
	struct stat st;
	char buf[16] = {0};
	int rd;

	free(tu_tmpdir());
	cr_assert_eq(mkfifo("p", 0644), 0);
	rd = open("p", O_RDONLY | O_NONBLOCK);
	cr_assert(rd >= 0);
	cr_assert_eq(kdep_writefile("p", "hello", 5, 0644), 0, "%s",
		     kdep_errmsg());
	cr_assert_eq(read(rd, buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "hello");
	cr_assert_eq(lstat("p", &st), 0);
	cr_assert(S_ISFIFO(st.st_mode), "p is no longer a FIFO");
	cr_assert_eq(tu_countnames("p.tmp."), 0);
	close(rd);
}

/*
 * A private copy of /dev/full (root may mknod one): were the device ever
 * renamed over again, only this copy would be lost, not the system's.
 */
Test(devices, writefile_to_a_full_device_names_it)
{
	struct stat st;

	free(tu_tmpdir());
	if (mknod("full", S_IFCHR | 0666, makedev(1, 7)) < 0)
		cr_skip_test("cannot create a device node: %s",
			     strerror(errno));
	cr_assert_eq(kdep_writefile("full", "x", 1, 0644), KDEP_EWRITE);
	cr_assert_str_eq(kdep_errmsg(),
			 "cannot write full: No space left on device");
	cr_assert_eq(lstat("full", &st), 0);
	cr_assert(S_ISCHR(st.st_mode), "full is no longer a device");
	cr_assert_eq(tu_countnames("full.tmp."), 0);
}

/* ---- the scan cache changes nothing a caller sees ---- */

static int logseen(void *ctx, const struct kdep_seen *s)
{
	return kdep_bufprintf(ctx, "%d:%s:%s ", s->kind, s->path,
			      s->st ? "read" : "-");
}

/* Records list a file, then its stamps: with a cache, cold or warm, too. */
Test(consistency, seen_order_is_the_same_with_a_cache)
{
	struct kdep_buf plain = {0}, log = {0}, out = {0};
	struct kdep_fixdep f = {0};
	struct kdep_cache *c;
	int round;

	tree();
	f.prof = kdep_profile("linux-6.3");
	f.depfile = "a.d";
	f.target = "a.o";
	f.cmdline = "cc";
	f.seen = logseen;
	f.seenctx = &plain;
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	cr_assert_str_eq(plain.data, "0:a.c:read 2:include/config/A:- "
				     "1:a.h:read 2:include/config/B:- ");
	cr_assert_eq(kdep_cache_open(&c, "c", &f.prof->scan), 0);
	f.cache = c;
	f.seenctx = &log;
	for (round = 0; round < 2; round++) {
		log.len = 0;
		out.len = 0;
		cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
		cr_assert_str_eq(log.data, plain.data, "round %d", round);
		cr_assert_str_eq(out.data, small_cmd);
	}
	kdep_cache_close(c);
	kdep_buffree(&plain);
	kdep_buffree(&log);
	kdep_buffree(&out);
}
