/*
 * fixdeprun_test.c - kdep_fixdep_run: a whole fixdep run, the .cmd first
 * and the record last, and kdep_profile_kernel.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

TestSuite(fixdeprun, .init = tu_intmp, .fini = tu_outtmp);

#define CMDLINE "cc -c -o a.o a.c"

/* a.c uses CONFIG_FOO; a.o is built after its inputs. */
static void tree(void)
{
	tu_write("a.c", "int x = CONFIG_FOO;\n");
	tu_write(".a.o.d", "a.o: a.c include/generated/autoconf.h\n");
	tu_write("tool.sh", "#!/bin/sh\n");
	tu_setmtime("a.c", 1000, 0);
	tu_setmtime("tool.sh", 1000, 0);
	tu_setmtime(".a.o.d", 2000, 0);
	tu_write("a.o", "object");
	tu_setmtime("a.o", 2000, 0);
	tu_settle("a.o");
}

/* A run for a.o under profile name, into .a.o.cmd. */
static struct kdep_fixdeprun run(const char *name)
{
	struct kdep_fixdeprun r = {.prof = kdep_profile(name),
				   .depfile = ".a.o.d",
				   .target = "a.o",
				   .cmdline = CMDLINE,
				   .cmdfile = ".a.o.cmd"};

	cr_assert_not_null(r.prof);
	return r;
}

/* What kdep_fixdep() alone makes of the same run. */
static char *cmdtext(const struct kdep_fixdeprun *r)
{
	struct kdep_fixdep f = {.prof = r->prof, .depfile = r->depfile,
				.target = r->target, .cmdline = r->cmdline};
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_fixdep(&f, &b), 0, "%s", kdep_errmsg());
	return b.data;
}

static void expect_file(const char *path, const char *want)
{
	char *got = tu_read(path, NULL);

	cr_assert_not_null(got, "%s is missing", path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

/* The record of a.o holds a line that is line (without its '\n'). */
static int recordhas(const char *line)
{
	char *rec = tu_read(".a.o.kdep", NULL), *p;
	size_t n = strlen(line);
	int found = 0;

	cr_assert_not_null(rec, "no record");
	for (p = rec; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || !p[n]))
			found = 1;
	free(rec);
	return found;
}

/* A record line ending in " path" (f and s lines: hashes first). */
static int recordlists(char kind, const char *path)
{
	char *rec = tu_read(".a.o.kdep", NULL), *p;
	size_t n = strlen(path);
	int found = 0;

	cr_assert_not_null(rec, "no record");
	for (p = rec; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (p[0] == kind && len > n + 1 &&
		    memcmp(p + len - n - 1, " ", 1) == 0 &&
		    memcmp(p + len - n, path, n) == 0)
			found = 1;
	}
	free(rec);
	return found;
}

/* Standard input reads text from here on (each test is its own process). */
static void setstdin(const char *text)
{
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	cr_assert_eq(dup2(p[0], 0), 0);
	close(p[0]);
}

/* ---- the .cmd ---- */

Test(fixdeprun, writes_the_text_of_kdep_fixdep_to_the_cmd_file)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	char *want;

	tree();
	want = cmdtext(&r);
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	expect_file(".a.o.cmd", want);
	free(want);
}

Test(fixdeprun, writes_to_the_descriptor_without_a_cmd_file)
{
	struct kdep_fixdeprun r = run("linux-5.13");
	char *want, got[4096];
	int p[2];
	ssize_t n;

	tree();
	want = cmdtext(&r);
	cr_assert_eq(pipe(p), 0);
	r.cmdfile = NULL;
	r.cmdfd = p[1];
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	close(p[1]);
	n = read(p[0], got, sizeof(got) - 1);
	cr_assert_geq(n, 0);
	got[n] = '\0';
	cr_assert_str_eq(got, want);
	cr_assert_eq(access(".a.o.cmd", F_OK), -1);
	close(p[0]);
	free(want);
}

Test(fixdeprun, a_failed_descriptor_write_is_upstreams_message)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	int fd = open("/dev/full", O_WRONLY);

	tree();
	cr_assert_geq(fd, 0);
	r.cmdfile = NULL;
	r.cmdfd = fd;
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_EWRITE);
	cr_assert_str_eq(kdep_errmsg(),
			 "not all data was written to the output");
	close(fd);
}

Test(fixdeprun, a_failed_run_writes_no_cmd_file)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	tu_write(".a.o.cmd", "old\n");
	unlink("a.c");
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_ENOENT);
	cr_assert_not_null(strstr(kdep_errmsg(), "a.c"), "%s", kdep_errmsg());
	expect_file(".a.o.cmd", "old\n");
}

/* ---- the record ---- */

Test(fixdeprun, record_is_written_after_the_cmd_file)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	char *want;

	tree();
	want = cmdtext(&r);
	/* a record that cannot be put in place: the .cmd is there before */
	tu_write(".a.o.kdep/x", "");
	r.record = 1;
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_EWRITE);
	cr_assert_not_null(strstr(kdep_errmsg(), ".a.o.kdep"), "%s",
			   kdep_errmsg());
	expect_file(".a.o.cmd", want);
	cr_assert_eq(tu_countnames(".a.o.kdep.tmp"), 0, "a temporary file is left");
	free(want);
}

Test(fixdeprun, failed_cmd_write_leaves_the_old_record)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	tu_write(".a.o.kdep", "old\n");
	tu_write("out.cmd/x", ""); /* a folder: the .cmd cannot go there */
	r.cmdfile = "out.cmd";
	r.record = 1;
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_EWRITE);
	expect_file(".a.o.kdep", "old\n");
	cr_assert_eq(tu_countnames(".a.o.kdep.tmp"), 0, "a temporary file is left");
}

Test(fixdeprun, record_vouches_for_the_target)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	struct kdep_checker *c;
	struct kdep_query q = {.target = "a.o", .cmdline = CMDLINE};

	tree();
	r.record = 1;
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	cr_assert_not_null(c = kdep_checker_new(0));
	cr_assert_eq(kdep_check(c, &q), KDEP_FRESH);
	kdep_checker_free(c);
}

Test(fixdeprun, without_record_an_old_record_is_removed)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	tu_write(".a.o.kdep", "old\n");
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	cr_assert_eq(access(".a.o.kdep", F_OK), -1);
}

Test(fixdeprun, without_record_an_old_record_is_removed_before_any_failure)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	tu_write(".a.o.kdep", "old\n");
	unlink("a.c");
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_ENOENT);
	cr_assert_eq(access(".a.o.kdep", F_OK), -1);
}

Test(fixdeprun, record_keeps_the_values_of_the_config_folders_auto_conf)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	tu_write("include/config/auto.conf", "CONFIG_FOO=y\n");
	r.record = 1;
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	cr_assert(recordhas("conf flat include/config/auto.conf"));
	cr_assert(recordhas("c FOO y"));
}

Test(fixdeprun, record_without_an_auto_conf_keeps_stamps_by_state)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	r.record = 1;
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	cr_assert(recordhas("a include/config/FOO"));
	cr_assert_not(recordhas("c FOO n"));
}

Test(fixdeprun, autoconf_names_where_the_values_come_from)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	tu_write("include/config/auto.conf", "CONFIG_FOO=y\n");
	tu_write("other/auto.conf", "CONFIG_FOO=m\n");
	r.record = 1;
	r.autoconf = "other/auto.conf";
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	cr_assert(recordhas("conf flat other/auto.conf"));
	cr_assert(recordhas("c FOO m"));
}

Test(fixdeprun, a_named_autoconf_that_is_missing_is_an_error)
{
	struct kdep_fixdeprun r = run("linux-6.3");

	tree();
	r.record = 1;
	r.autoconf = "other/auto.conf";
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_ENOENT);
	cr_assert(strstr(kdep_errmsg(), "other/auto.conf"), "%s",
		  kdep_errmsg());
	cr_assert_null(tu_read(".a.o.kdep", NULL), "no record is written");
}

Test(fixdeprun, inputs_are_recorded_by_content)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	const char *const inputs[] = {"tool.sh", NULL};

	tree();
	r.record = 1;
	r.inputs = inputs;
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	cr_assert(recordlists('f', "tool.sh"));
	cr_assert(recordlists('f', "a.c"));
}

Test(fixdeprun, a_cache_folder_is_used_and_gives_the_same_text)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	char *want;

	tree();
	want = cmdtext(&r);
	r.cachedir = "cache";
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	expect_file(".a.o.cmd", want);
	cr_assert_eq(access("cache/scan.idx", F_OK), 0);
	free(want);
}

/* ---- extra dependencies (-e) ---- */

Test(fixdeprun, extra_dependencies_come_from_standard_input)
{
	struct kdep_fixdeprun r = run("linux-4.17");
	char *got;

	tree();
	setstdin("KSYM_foo\nbar\n");
	r.extradeps = 1;
	cr_assert_eq(kdep_fixdep_run(&r), 0, "%s", kdep_errmsg());
	got = tu_read(".a.o.cmd", NULL);
	cr_assert_not_null(
		strstr(got, "    $(wildcard include/config/ksym/foo.h) \\\n"
			    "    $(wildcard include/ksym/bar.h) \\\n"),
		"%s", got);
	free(got);
}

Test(fixdeprun, extra_dependencies_refused_by_a_profile_without_them)
{
	struct kdep_fixdeprun r = run("linux-6.3");
	char left[16] = {0};

	tree();
	tu_write(".a.o.kdep", "old\n");
	setstdin("KSYM_foo\n");
	r.extradeps = 1;
	cr_assert_eq(kdep_fixdep_run(&r), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(),
			 "profile linux-6.3 takes no extra dependencies");
	/* refused before anything was read or written */
	cr_assert_eq(read(0, left, sizeof(left) - 1), 9);
	cr_assert_str_eq(left, "KSYM_foo\n");
	cr_assert_eq(access(".a.o.cmd", F_OK), -1);
	expect_file(".a.o.kdep", "old\n");
}

/* ---- kdep_profile_kernel ---- */

static void expect_kernel(const char *v, const char *name)
{
	const struct kdep_profile *p = kdep_profile_kernel(v);

	cr_assert_not_null(p, "%s: %s", v, kdep_errmsg());
	cr_assert_str_eq(p->name, name, "%s", v);
}

Test(profile_kernel, v_p_gives_the_profile_of_that_release)
{
	expect_kernel("4.17", "linux-4.17");
	expect_kernel("5.12", "linux-4.17");
	expect_kernel("5.13", "linux-5.13");
	expect_kernel("6.1", "linux-5.13");
	expect_kernel("6.2", "linux-5.13");
	expect_kernel("6.3", "linux-6.3");
	expect_kernel("6.12", "linux-6.3");
	expect_kernel("7.0", "linux-6.3");
}

Test(profile_kernel, zero_zero_is_the_newest)
{
	expect_kernel("0.0", "linux-6.3");
}

Test(profile_kernel, huge_numbers_do_not_overflow)
{
	expect_kernel("2147483647.2147483647", "linux-6.3");
	expect_kernel("5.2147483647", "linux-5.13");
}

Test(profile_kernel, anything_but_v_p_is_refused_naming_it)
{
	static const char *const bad[] = {
		"", "6", "6.", ".1", "6.1.2", "6.1 ", "6.1\n", "x.1",
		"6.x", "-1.0", "6.-1", "0x6.1", "99999999999999999999.1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[64];

		cr_assert_null(kdep_profile_kernel(bad[i]), "'%s'", bad[i]);
		cr_assert_eq(kdep_errcode(), KDEP_EDATA);
		snprintf(want, sizeof(want),
			 "bad kernel version '%s' (want V.P)", bad[i]);
		cr_assert_str_eq(kdep_errmsg(), want);
	}
}
