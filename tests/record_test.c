/*
 * record_test.c - content-hash records and kdep_stale: what makes a
 * target stale, what does not, and the racy rule.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

static struct kdep_buf said; /* the reasons of the last stale() */

static void teardown(void)
{
	tu_outtmp();
	kdep_buffree(&said);
}

TestSuite(record, .init = tu_intmp, .fini = teardown);

/* A small build: a.c includes b.h, uses CONFIG_FOO (present), CONFIG_BAR
 * (absent).  Files are dated in the past, the target after them. */
static void tree(void)
{
	tu_write("a.c", "#include \"b.h\"\nint x = CONFIG_FOO + CONFIG_BAR;\n");
	tu_write("b.h", "#define B 1\n");
	tu_write("include/config/FOO", "CONFIG_FOO=y\n");
	tu_write(".a.o.d", "a.o: a.c b.h include/generated/autoconf.h\n");
	tu_write("include/generated/autoconf.h", "#define CONFIG_FOO 1\n");
	tu_setmtime("a.c", 1000, 0);
	tu_setmtime("b.h", 1000, 0);
	tu_setmtime("include/config/FOO", 1000, 0);
	tu_setmtime(".a.o.d", 2000, 0);
	tu_write("a.o", "object");
	tu_setmtime("a.o", 2000, 0);
	tu_settle("a.o");
}

/* Run fixdep --record for a.o the way kbuild would. */
static void build(const char *cmd)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};
	struct kdep_record *r = kdep_record_new("a.o", ".a.o.d", cmd);

	cr_assert(r);
	f.prof = kdep_profile("linux-6.3");
	f.depfile = ".a.o.d";
	f.target = "a.o";
	f.cmdline = cmd;
	f.seen = kdep_record_seen;
	f.seenctx = r;
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	cr_assert_eq(kdep_record_write(r), 0, "%s", kdep_errmsg());
	kdep_record_free(r);
	kdep_buffree(&out);
}

/*
 * A depfile for a.o listing n headers with long names (a record of more
 * than 16 KiB: written out in pieces).
 */
static void bigtree(int n)
{
	struct kdep_buf d = {0};
	int i;

	tree();
	cr_assert_eq(kdep_bufputs(&d, "a.o: a.c"), 0);
	for (i = 0; i < n; i++) {
		char name[96];

		snprintf(name, sizeof(name),
			 "include/a/rather/long/folder/name/header%04d.h", i);
		tu_write(name, "#define H 1\n");
		tu_setmtime(name, 1000, 0);
		cr_assert_eq(kdep_bufprintf(&d, " %s", name), 0);
	}
	cr_assert_eq(kdep_bufputs(&d, "\n"), 0);
	tu_write(".a.o.d", d.data);
	tu_setmtime(".a.o.d", 2000, 0);
	tu_settle(".a.o.d");
	kdep_buffree(&d);
}

/* Date the record; written in the same tick as a file, it is racy. */
static void daterecord(long long t)
{
	struct timespec ts[2] = {{(time_t)t, 0}, {(time_t)t, 0}};

	cr_assert_eq(utimensat(AT_FDCWD, ".a.o.kdep", ts, 0), 0);
}

struct reasons {
	const char *text; /* every reason, one a line */
};

static void collect(void *ctx, const char *target, const char *reason)
{
	(void)ctx;
	(void)target;
	cr_assert_eq(kdep_bufprintf(&said, "%s\n", reason), 0);
}

/*
 * kdep_stale with every reason collected; returns 1 stale, 0 fresh, 2 no
 * usable record.
 */
static int stale(const char *cmd, struct reasons *rs)
{
	struct kdep_checker *c = kdep_checker_new(0);
	int r;

	cr_assert(c);
	said.len = 0;
	cr_assert_eq(kdep_bufputs(&said, ""), 0);
	r = kdep_stale(c, "a.o", cmd, collect, NULL);
	rs->text = said.data;
	kdep_checker_free(c);
	cr_assert_geq(r, 0, "%s", kdep_errmsg());
	return r;
}

Test(record, path_is_a_dot_file_next_to_the_target)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_recordpath(&b, "dir/sub/foo.o"), 0);
	cr_assert_str_eq(b.data, "dir/sub/.foo.o.kdep");
	b.len = 0;
	cr_assert_eq(kdep_recordpath(&b, "foo.o"), 0);
	cr_assert_str_eq(b.data, ".foo.o.kdep");
	kdep_buffree(&b);
}

Test(record, lists_source_headers_present_and_absent_stamps)
{
	char *rec;

	tree();
	build("cc a.c");
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(rec);
	cr_assert(strncmp(rec, "kdep-record 2\ncmd ", 18) == 0);
	cr_assert(strstr(rec, " a.c\n"), "%s", rec);
	cr_assert(strstr(rec, " b.h\n"), "%s", rec);
	cr_assert(strstr(rec, "\ns "), "a present stamp: %s", rec);
	cr_assert(strstr(rec, " include/config/FOO\n"), "%s", rec);
	cr_assert(strstr(rec, "\na include/config/BAR\n"), "%s", rec);
	cr_assert_null(strstr(rec, "autoconf.h"), "%s", rec);
	cr_assert(strstr(rec, "\nend "), "%s", rec);
	free(rec);
}

Test(record, a_record_written_in_pieces_is_whole)
{
	struct reasons rs;
	struct stat st;

	bigtree(400);
	build("cc a.c");
	cr_assert_eq(stat(".a.o.kdep", &st), 0);
	cr_assert_gt(st.st_size, 2 * 16384, "%lld bytes",
		     (long long)st.st_size);
	cr_assert_eq(stale("cc a.c", &rs), 0, "%s", rs.text);
	tu_write("include/a/rather/long/folder/name/header0399.h", "x\n");
	cr_assert_eq(stale("cc a.c", &rs), 1);
}

Test(record, a_record_never_written_leaves_no_file)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};
	struct kdep_record *r;
	char *ls = NULL;

	bigtree(400);
	r = kdep_record_new("a.o", ".a.o.d", "cc");
	cr_assert(r);
	f.prof = kdep_profile("linux-6.3");
	f.depfile = ".a.o.d";
	f.target = "a.o";
	f.cmdline = "cc";
	f.seen = kdep_record_seen;
	f.seenctx = r;
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	kdep_record_free(r); /* the run failed later: no record, no debris */
	kdep_buffree(&out);
	cr_assert_eq(tu_run("ls -a | grep kdep", NULL, &ls, NULL), 1, "%s",
		     ls);
	free(ls);
}

Test(record, nothing_changed_is_fresh)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	cr_assert_eq(stale("cc a.c", &rs), 0, "%s", rs.text);
	cr_assert_str_empty(rs.text);
}

Test(record, newer_mtime_with_equal_content_is_fresh)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	tu_setmtime("b.h", 5000, 0);
	tu_setmtime("include/config/FOO", 5000, 0);
	cr_assert_eq(stale("cc a.c", &rs), 0, "%s", rs.text);
}

Test(record, changed_content_with_older_mtime_is_stale)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	tu_write("b.h", "#define B 22222\n");
	tu_setmtime("b.h", 500, 0);
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: b.h changed\n");
}

Test(record, same_size_edit_with_restored_mtime_is_stale)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	tu_write("b.h", "#define B 2\n"); /* same size */
	tu_setmtime("b.h", 1000, 0);      /* same mtime: only ctime moved */
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: b.h changed\n");
}

Test(record, changed_stamp_content_with_equal_mtime_is_stale)
{
	struct reasons rs;

	/* the 2018 race: the stamp is rewritten in the object's second */
	tree();
	build("cc a.c");
	tu_write("include/config/FOO", "CONFIG_FOO=m\n");
	tu_setmtime("include/config/FOO", 2000, 0);
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: include/config/FOO changed\n");
}

Test(record, stamp_touched_in_the_targets_second_is_stale)
{
	struct reasons rs;

	/* on a 1-second filesystem make sees equal mtimes and rebuilds not */
	tree();
	tu_setmtime("include/config/FOO", 2000, 0);
	tu_settle("include/config/FOO");
	build("cc a.c");
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: include/config/FOO may have changed "
				  "during the build\n");
}

Test(record, absent_stamp_that_appears_is_stale)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	tu_write("include/config/BAR", "");
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: include/config/BAR appeared\n");
}

Test(record, stamp_that_disappears_is_stale)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	unlink("include/config/FOO");
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: include/config/FOO disappeared\n");
}

Test(record, touched_empty_stamp_is_stale)
{
	struct reasons rs;

	/* the kernel's own kconfig writes empty stamps: mtime is all there is */
	tree();
	tu_write("include/config/FOO", "");
	tu_setmtime("include/config/FOO", 1000, 0);
	build("cc a.c");
	daterecord((long long)time(NULL) + 1000); /* not racy */
	cr_assert_eq(stale("cc a.c", &rs), 0, "%s", rs.text);
	tu_setmtime("include/config/FOO", 1500, 0);
	cr_assert_eq(stale("cc a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: include/config/FOO touched\n");
}

Test(record, command_line_change_is_stale)
{
	struct reasons rs;

	tree();
	build("cc -O2 a.c");
	cr_assert_eq(stale("cc -O2 a.c", &rs), 0, "%s", rs.text);
	cr_assert_eq(stale("cc -O3 a.c", &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: command line changed\n");
}

Test(record, command_line_is_not_compared_when_not_given)
{
	struct reasons rs;

	tree();
	build("cc -O2 a.c");
	cr_assert_eq(stale(NULL, &rs), 0, "%s", rs.text);
}

Test(record, missing_target_is_stale)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	unlink("a.o");
	cr_assert_eq(stale(NULL, &rs), 1);
	cr_assert_str_eq(rs.text, "a.o: missing\n");
}

Test(record, missing_record_is_no_record)
{
	struct reasons rs;

	tree();
	cr_assert_eq(stale(NULL, &rs), KDEP_NORECORD);
	cr_assert_str_eq(rs.text, "a.o: no record\n");
}

Test(record, every_reason_is_reported)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	tu_write("b.h", "#define B 333333\n");
	tu_write("include/config/BAR", "");
	cr_assert_eq(stale("cc x.c", &rs), 1);
	/* in the record's order: the source's symbols, then each header */
	cr_assert_str_eq(rs.text, "a.o: command line changed\n"
				  "a.o: include/config/BAR appeared\n"
				  "a.o: b.h changed\n");
}

/* Rewrite the record through fn, keeping its checksum valid. */
static void rewrite(void (*fn)(char *body))
{
	char *rec = tu_read(".a.o.kdep", NULL), *end, *out;

	cr_assert(rec);
	end = strstr(rec, "end ");
	cr_assert(end);
	*end = '\0';
	fn(rec);
	cr_assert(asprintf(&out, "%send %016" PRIx64 "\n", rec,
			   kdep_hash(rec, strlen(rec), 0)) > 0);
	tu_write(".a.o.kdep", out);
	free(out);
	free(rec);
}

static void bumpversion(char *body)
{
	body[12] = '3'; /* "kdep-record 2" -> "kdep-record 3" */
}

static void garbageline(char *body)
{
	strcat(body, "x what is this\n");
}

/*
 * A record rewritten by fn, its checksum kept valid, is corrupt: no
 * usable record (the caller decides as without one).
 */
static void corruptby(void (*fn)(char *body))
{
	struct reasons rs;

	tree();
	build("cc a.c");
	rewrite(fn);
	cr_assert_eq(stale(NULL, &rs), KDEP_NORECORD);
	cr_assert_str_eq(rs.text, "a.o: .a.o.kdep is corrupt\n");
}

Test(record, unknown_version_is_no_record)
{
	corruptby(bumpversion);
}

Test(record, unknown_line_is_no_record)
{
	corruptby(garbageline);
}

Test(record, bad_checksum_is_no_record)
{
	struct reasons rs;
	char *rec;

	tree();
	build("cc a.c");
	rec = tu_read(".a.o.kdep", NULL);
	rec[20] ^= 1;
	tu_write(".a.o.kdep", rec);
	free(rec);
	cr_assert_eq(stale(NULL, &rs), KDEP_NORECORD);
	cr_assert_str_eq(rs.text, "a.o: .a.o.kdep is corrupt\n");
}

Test(record, truncated_record_is_no_record)
{
	struct reasons rs;
	size_t len;
	char *rec;

	tree();
	build("cc a.c");
	rec = tu_read(".a.o.kdep", &len);
	tu_writen(".a.o.kdep", rec, len / 2);
	free(rec);
	cr_assert_eq(stale(NULL, &rs), KDEP_NORECORD);
	cr_assert_str_eq(rs.text, "a.o: .a.o.kdep is corrupt\n");
}

Test(record, file_newer_than_target_is_recorded_unknown)
{
	struct reasons rs;
	char *rec;

	/* b.h changed while a.o was being built: never trust that build */
	tree();
	tu_setmtime("b.h", 2000, 0);
	build("cc a.c");
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(strstr(rec, "\nu b.h\n"), "%s", rec);
	free(rec);
	cr_assert_eq(stale(NULL, &rs), 1);
	cr_assert_str_eq(rs.text,
			 "a.o: b.h may have changed during the build\n");
}

/*
 * The racy rule, with a forged record: the entry's stat data match b.h
 * exactly but its hash does not - what a same-tick edit looks like on a
 * filesystem with coarse timestamps.
 */
static char forged[64];

static void forgehash(char *body)
{
	char *p = strstr(body, " b.h\n");

	while (p > body && p[-1] != '\n')
		p--;
	cr_assert(p[0] == 'f' && p[1] == ' ');
	memcpy(p + 2, forged, 16);
}

static void racy(long long recordtime, int expect)
{
	struct reasons rs;

	tree();
	build("cc a.c");
	strcpy(forged, "0123456789abcdef");
	rewrite(forgehash);
	/* the target as old as the record: the record still vouches for it */
	tu_setmtime("a.o", recordtime, 0);
	daterecord(recordtime);
	cr_assert_eq(stale(NULL, &rs), expect, "%s", rs.text);
}

Test(record, stat_older_than_the_record_is_trusted_without_hashing)
{
	/* b.h's mtime and ctime predate the record: stat decides */
	racy((long long)time(NULL) + 1000, 0);
}

Test(record, stat_not_older_than_the_record_is_hashed_again)
{
	/* the record was written in b.h's own tick: hash, see the change */
	racy(1000, 1);
}

Test(record, fixdep_record_keeps_the_cmd_output_identical)
{
	char *tool = tu_tool("fixdep"), *cmd, *plain = NULL, *rec = NULL;

	tree();
	cr_assert(asprintf(&cmd, "%s --compat=linux-6.3 .a.o.d a.o 'cc a.c'",
			   tool) > 0);
	cr_assert_eq(tu_run(cmd, NULL, &plain, NULL), 0);
	cr_assert_eq(access(".a.o.kdep", F_OK), -1);
	setenv("KDEP_RECORD", "1", 1);
	cr_assert_eq(tu_run(cmd, NULL, &rec, NULL), 0);
	unsetenv("KDEP_RECORD");
	cr_assert_str_eq(plain, rec);
	cr_assert_eq(access(".a.o.kdep", F_OK), 0, "KDEP_RECORD=1 records");
	free(tool);
	free(cmd);
	free(plain);
	free(rec);
}

Test(record, kdep_stale_exit_codes)
{
	char *tool = tu_tool("kdep"), *cmd, *out = NULL;

	tree();
	build("cc a.c");
	cr_assert(asprintf(&cmd, "%s stale -v a.o", tool) > 0);
	cr_assert_eq(tu_run(cmd, NULL, &out, NULL), 0, "%s", out);
	cr_assert_str_empty(out);
	free(out);
	tu_write("b.h", "#define B 4444\n");
	cr_assert_eq(tu_run(cmd, NULL, &out, NULL), 1);
	cr_assert_str_eq(out, "a.o: b.h changed\n");
	free(out);
	free(cmd);
	/* a record that cannot be read is no record: decide by mtimes */
	unlink(".a.o.kdep");
	cr_assert_eq(mkdir(".a.o.kdep", 0755), 0);
	cr_assert(asprintf(&cmd, "%s stale a.o", tool) > 0);
	cr_assert_eq(tu_run(cmd, NULL, NULL, NULL), 3);
	free(tool);
	free(cmd);
}
