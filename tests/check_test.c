/*
 * check_test.c - make's question answered by content: kdep_check,
 * kdep_answer and kdep_stale over records of CONFIG values (format 2),
 * the tools around them (fixdep --record, kdep changed, kdep stale) and
 * kbuild's content mode (kdep_kbuildmk, kdep_removerecords).
 *
 * The answer, for a target and what make found newer:
 *   no usable record      -> make's own list, unchanged (KDEP_NORECORD)
 *   newer, not recorded   -> passed through (KDEP_UNRECORDED)
 *   content, CONFIG value, presence differs -> named, whatever the mtimes
 *   otherwise             -> empty
 *   any error             -> rebuild: make's list and the target
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

#define AUTOCONF "include/config/auto.conf"

static struct kdep_buf said; /* the changes the last check told */

static void teardown(void)
{
	tu_outtmp();
	kdep_buffree(&said);
}

TestSuite(check, .init = tu_intmp, .fini = teardown);

/*
 * A small kernel-like build: a.c includes b.h and uses CONFIG_FOO (y),
 * CONFIG_BAR (not set), CONFIG_NUM (10) and CONFIG_STR ("hello world");
 * the stamps are empty, as the kernel's kconfig writes them.  Inputs
 * are dated 1000, the depfile and the object 2000.
 */
static void tree(void)
{
	static const char *const old[] = {"a.c",
					  "b.h",
					  AUTOCONF,
					  "include/config/FOO",
					  "include/config/NUM",
					  "include/config/STR"};
	size_t i;

	tu_write("a.c", "#include \"b.h\"\n"
			"int x = CONFIG_FOO + CONFIG_BAR + CONFIG_NUM;\n"
			"const char *s = CONFIG_STR;\n");
	tu_write("b.h", "#define B 1\n");
	tu_write(AUTOCONF, "CONFIG_FOO=y\nCONFIG_NUM=10\n"
			   "CONFIG_STR=\"hello world\"\n");
	tu_write("include/config/FOO", "");
	tu_write("include/config/NUM", "");
	tu_write("include/config/STR", "");
	tu_write("include/generated/autoconf.h", "#define CONFIG_FOO 1\n");
	tu_write(".a.o.d", "a.o: a.c b.h include/generated/autoconf.h\n");
	for (i = 0; i < sizeof(old) / sizeof(old[0]); i++)
		tu_setmtime(old[i], 1000, 0);
	tu_setmtime(".a.o.d", 2000, 0);
	tu_write("a.o", "object");
	tu_setmtime("a.o", 2000, 0);
	tu_settle("a.o");
}

/* fixdep --record for a.o as kbuild runs it; autoconf NULL: stamps. */
static void buildwith(const char *autoconf)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};
	struct kdep_record *r = kdep_record_new("a.o", ".a.o.d", "cc a.c");

	cr_assert(r, "%s", kdep_errmsg());
	if (autoconf)
		cr_assert_eq(kdep_record_config(r, autoconf, KDEP_FLAT), 0,
			     "%s", kdep_errmsg());
	f.prof = kdep_profile("linux-6.3");
	f.depfile = ".a.o.d";
	f.target = "a.o";
	f.cmdline = "cc a.c";
	f.seen = kdep_record_seen;
	f.seenctx = r;
	f.configbyname = autoconf != NULL;
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	cr_assert_eq(kdep_record_write(r), 0, "%s", kdep_errmsg());
	kdep_record_free(r);
	kdep_buffree(&out);
}

static void build(void)
{
	buildwith(AUTOCONF);
}

/* Each change as "PATH WHY[ (DETAIL)]\n" into said. */
static void tell(void *ctx, const char *path, enum kdep_change why,
		 const char *detail)
{
	(void)ctx;
	cr_assert_eq(kdep_bufprintf(&said, "%s %s%s%s%s\n", path ? path : "-",
				    kdep_changetext(why), detail ? " (" : "",
				    detail ? detail : "", detail ? ")" : ""),
		     0);
}

static void clearsaid(void)
{
	said.len = 0;
	cr_assert_eq(kdep_bufputs(&said, ""), 0);
}

/*
 * kdep_answer for a.o with a checker of flags; *verdict gets its
 * return.  Returns the answer (malloc'd).
 */
static char *answerwith(struct kdep_checker *c, const char *newer, int *verdict)
{
	struct kdep_buf out = {0};
	char *s;

	clearsaid();
	*verdict = kdep_answer(c, "a.o", newer, &out, tell, NULL);
	s = strdup(out.data ? out.data : "");
	cr_assert(s);
	kdep_buffree(&out);
	return s;
}

static char *answer(unsigned flags, const char *newer, int *verdict)
{
	struct kdep_checker *c = kdep_checker_new(flags);
	char *s;

	cr_assert(c);
	s = answerwith(c, newer, verdict);
	kdep_checker_free(c);
	return s;
}

/* Assert kdep_answer's verdict and words for newer, with flags 0. */
static void expect(const char *newer, int verdict, const char *words)
{
	int v;
	char *s = answer(0, newer, &v);

	cr_assert_eq(v, verdict, "verdict %d, answer '%s', told:\n%s%s", v, s,
		     said.data, v < 0 ? kdep_errmsg() : "");
	cr_assert_str_eq(s, words, "told:\n%s", said.data);
	free(s);
}

/* kdep_check of a.o by checker c (no make list, every change told). */
static int checkby(struct kdep_checker *c)
{
	struct kdep_query q = {.target = "a.o", .fn = tell};
	int v;

	clearsaid();
	v = kdep_check(c, &q);
	cr_assert_geq(v, 0, "%s", kdep_errmsg());
	return v;
}

static int check(unsigned flags)
{
	struct kdep_checker *c = kdep_checker_new(flags);
	int v;

	cr_assert(c);
	v = checkby(c);
	kdep_checker_free(c);
	return v;
}

/* Set path's mtime back to what it was (a same-size edit hidden). */
static void putback(const char *path, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* Date the record; written in the same tick as a file, it is racy. */
static void daterecord(long long t)
{
	tu_setmtime(".a.o.kdep", t, 0);
}

/* Rewrite the record's body through fn, keeping its checksum valid. */
static void rewrite(void (*fn)(struct kdep_buf *body))
{
	struct kdep_buf b = {0};
	char *rec = tu_read(".a.o.kdep", NULL), *end;

	cr_assert(rec);
	end = strstr(rec, "end ");
	cr_assert(end);
	cr_assert_eq(kdep_bufadd(&b, rec, (size_t)(end - rec)), 0);
	fn(&b);
	cr_assert_eq(kdep_bufprintf(&b, "end %016" PRIx64 "\n",
				    kdep_hash(b.data, b.len, 0)),
		     0);
	tu_write(".a.o.kdep", b.data);
	kdep_buffree(&b);
	free(rec);
}

/* The record's line for path (malloc'd, no newline), or NULL. */
static char *recordline(const char *path)
{
	char *rec = tu_read(".a.o.kdep", NULL), *p, *nl, *line = NULL;
	size_t n = strlen(path);

	cr_assert(rec);
	for (p = rec; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert(nl);
		if ((size_t)(nl - p) > n && p[nl - p - n - 1] == ' ' &&
		    memcmp(nl - n, path, n) == 0) {
			line = strndup(p, (size_t)(nl - p));
			break;
		}
	}
	free(rec);
	return line;
}

/*
 * The record's line for path as it should read with path's stat data of
 * now: "f <hash> <stat> path", <stat> the XXH64 of "dev ino size mtime
 * ctime" (record.c); hash is taken from the line given.
 */
static char *withstatnow(const char *line, const char *path)
{
	struct stat st;
	char text[160], *out;

	cr_assert_eq(stat(path, &st), 0);
	snprintf(text, sizeof(text), "%ju %ju %jd %jd.%09ld %jd.%09ld",
		 (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
		 (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
		 (long)st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec,
		 (long)st.st_ctim.tv_nsec);
	cr_assert(asprintf(&out, "%.19s%016" PRIx64 " %s", line,
			   kdep_hash(text, strlen(text), 0), path) > 0);
	return out;
}

/* ---- no usable record: make's own answer ---- */

Test(check, no_record_answers_makes_list_unchanged)
{
	tree();
	expect("b.h x.a", KDEP_NORECORD, "b.h x.a");
	expect("", KDEP_NORECORD, "");
}

Test(check, no_record_keeps_makes_spacing)
{
	/* what make wrote comes back byte for byte */
	tree();
	expect("  b.h\tx.a ", KDEP_NORECORD, "  b.h\tx.a ");
}

Test(check, unreadable_record_is_no_record)
{
	tree();
	build();
	unlink(".a.o.kdep");
	cr_assert_eq(mkdir(".a.o.kdep", 0755), 0);
	expect("b.h", KDEP_NORECORD, "b.h");
}

static void garbageline(struct kdep_buf *b)
{
	cr_assert_eq(kdep_bufputs(b, "x what is this\n"), 0);
}

Test(check, corrupt_record_is_no_record)
{
	tree();
	build();
	rewrite(garbageline);
	expect("b.h", KDEP_NORECORD, "b.h");
}

Test(check, record_with_a_bad_checksum_is_no_record)
{
	char *rec;

	tree();
	build();
	rec = tu_read(".a.o.kdep", NULL);
	rec[strlen(rec) - 2] ^= 1; /* a digit of the checksum */
	tu_write(".a.o.kdep", rec);
	free(rec);
	expect("b.h", KDEP_NORECORD, "b.h");
}

Test(check, truncated_record_is_no_record)
{
	size_t len;
	char *rec;

	tree();
	build();
	rec = tu_read(".a.o.kdep", &len);
	tu_writen(".a.o.kdep", rec, len - 22); /* the end line gone */
	free(rec);
	expect("b.h", KDEP_NORECORD, "b.h");
}

static void version1(struct kdep_buf *b)
{
	cr_assert(strncmp(b->data, "kdep-record 2\n", 14) == 0);
	b->data[12] = '1';
}

Test(check, record_of_another_version_is_no_record)
{
	/* a format 1 record, whole and with a valid checksum */
	tree();
	build();
	rewrite(version1);
	expect("b.h", KDEP_NORECORD, "b.h");
}

Test(check, record_older_than_the_target_is_no_record)
{
	/* the target was rebuilt since by something that wrote no record */
	tree();
	build();
	tu_setmtime("a.o", (long long)time(NULL) + 1000, 0);
	expect("b.h", KDEP_NORECORD, "b.h");
}

/* ---- nothing changed ---- */

Test(check, nothing_changed_is_fresh_and_empty)
{
	tree();
	build();
	expect("", KDEP_FRESH, "");
	cr_assert_str_empty(said.data);
}

Test(check, touched_header_with_same_content_is_fresh)
{
	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	expect("b.h", KDEP_FRESH, "");
}

/* ---- what the record does not cover passes through ---- */

Test(check, newer_names_the_record_does_not_cover_pass_through)
{
	/* explicit prerequisites, a new header: make's word stands */
	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	expect("b.h vmlinux.o lib.a", KDEP_STALE, "vmlinux.o lib.a");
	cr_assert_str_eq(said.data, "vmlinux.o is newer and not in the record\n"
				    "lib.a is newer and not in the record\n");
}

Test(check, a_changed_recorded_name_is_named_once)
{
	tree();
	build();
	tu_write("b.h", "#define B 22\n");
	expect("b.h", KDEP_STALE, "b.h");
}

Test(check, the_auto_conf_itself_is_not_covered)
{
	/* a c line covers its stamp, not the file the values come from */
	tree();
	build();
	expect(AUTOCONF, KDEP_STALE, AUTOCONF);
}

/* ---- content, whatever the mtime ---- */

Test(check, changed_content_with_equal_mtime_is_changed)
{
	struct stat st;

	tree();
	build();
	cr_assert_eq(stat("b.h", &st), 0);
	tu_write("b.h", "#define B 2\n"); /* same size */
	putback("b.h", &st);
	expect("", KDEP_STALE, "b.h");
	cr_assert_str_eq(said.data, "b.h changed\n");
}

Test(check, changed_content_with_older_mtime_is_changed)
{
	tree();
	build();
	tu_write("b.h", "#define B 22222\n");
	tu_setmtime("b.h", 500, 0);
	expect("", KDEP_STALE, "b.h");
}

Test(check, changed_content_with_newer_mtime_is_changed)
{
	tree();
	build();
	tu_write("b.h", "#define B 22222\n");
	tu_setmtime("b.h", 5000, 0);
	expect("b.h", KDEP_STALE, "b.h");
}

Test(check, changed_source_is_changed)
{
	tree();
	build();
	tu_write("a.c", "int x;\n");
	tu_setmtime("a.c", 1000, 0);
	expect("", KDEP_STALE, "a.c");
}

Test(check, input_that_vanished_is_changed)
{
	tree();
	build();
	unlink("b.h");
	expect("", KDEP_STALE, "b.h");
	cr_assert_str_eq(said.data, "b.h disappeared\n");
}

Test(check, absent_stamp_that_appeared_is_changed)
{
	char *rec;

	/* without an auto.conf, stamps are kept by state: BAR is absent */
	tree();
	unlink(AUTOCONF);
	buildwith(NULL);
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(strstr(rec, "\na include/config/BAR\n"), "%s", rec);
	free(rec);
	expect("", KDEP_FRESH, "");
	tu_write("include/config/BAR", "");
	expect("", KDEP_STALE, "include/config/BAR");
	cr_assert_str_eq(said.data, "include/config/BAR appeared\n");
}

Test(check, unreadable_input_is_changed)
{
	/* a folder where a header was: it cannot be hashed */
	tree();
	build();
	unlink("b.h");
	cr_assert_eq(mkdir("b.h", 0755), 0);
	expect("", KDEP_STALE, "b.h");
}

/* ---- CONFIG values, not stamps ---- */

Test(check, record_keeps_config_values_not_stamps)
{
	char *rec;

	tree();
	build();
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(strstr(rec, "\nconf flat " AUTOCONF "\n"), "%s", rec);
	cr_assert(strstr(rec, "\nc FOO y\n"), "%s", rec);
	cr_assert(strstr(rec, "\nc BAR n\n"), "%s", rec);
	cr_assert(strstr(rec, "\nc NUM 10\n"), "%s", rec);
	cr_assert(strstr(rec, "\nc STR \"hello%20world\n"), "%s", rec);
	cr_assert_null(strstr(rec, " include/config/FOO\n"), "%s", rec);
	free(rec);
}

/* auto.conf with new text, its mtime and the stamp's put back. */
static void setconfig(const char *text, const char *stamp)
{
	tu_write(AUTOCONF, text);
	tu_write(stamp, "");
	tu_setmtime(AUTOCONF, 1000, 0);
	tu_setmtime(stamp, 1000, 0);
}

Test(check, config_y_to_n_names_its_stamp)
{
	tree();
	build();
	setconfig("CONFIG_NUM=10\nCONFIG_STR=\"hello world\"\n",
		  "include/config/FOO");
	expect("", KDEP_STALE, "include/config/FOO");
	cr_assert_str_eq(
	    said.data,
	    "include/config/FOO value changed (CONFIG_FOO y -> n)\n");
}

Test(check, config_n_to_y_names_its_stamp)
{
	tree();
	build();
	setconfig("CONFIG_FOO=y\nCONFIG_BAR=y\nCONFIG_NUM=10\n"
		  "CONFIG_STR=\"hello world\"\n",
		  "include/config/BAR");
	expect("", KDEP_STALE, "include/config/BAR");
	cr_assert_str_eq(
	    said.data,
	    "include/config/BAR value changed (CONFIG_BAR n -> y)\n");
}

Test(check, config_y_to_m_names_its_stamp)
{
	tree();
	build();
	setconfig("CONFIG_FOO=m\nCONFIG_NUM=10\nCONFIG_STR=\"hello world\"\n",
		  "include/config/FOO");
	expect("", KDEP_STALE, "include/config/FOO");
}

Test(check, config_number_change_names_its_stamp)
{
	tree();
	build();
	setconfig("CONFIG_FOO=y\nCONFIG_NUM=11\nCONFIG_STR=\"hello world\"\n",
		  "include/config/NUM");
	expect("", KDEP_STALE, "include/config/NUM");
	cr_assert_str_eq(
	    said.data,
	    "include/config/NUM value changed (CONFIG_NUM 10 -> 11)\n");
}

Test(check, config_string_with_spaces_change_names_its_stamp)
{
	tree();
	build();
	setconfig("CONFIG_FOO=y\nCONFIG_NUM=10\nCONFIG_STR=\"hello  world\"\n",
		  "include/config/STR");
	expect("", KDEP_STALE, "include/config/STR");
	cr_assert_str_eq(said.data,
			 "include/config/STR value changed (CONFIG_STR "
			 "\"hello%20world -> \"hello%20%20world)\n");
}

Test(check, config_symbol_the_target_does_not_use_is_ignored)
{
	tree();
	build();
	tu_write(AUTOCONF, "CONFIG_FOO=y\nCONFIG_NUM=10\n"
			   "CONFIG_STR=\"hello world\"\nCONFIG_OTHER=y\n");
	tu_write("include/config/OTHER", "");
	expect("include/config/OTHER", KDEP_STALE, "include/config/OTHER");
	expect("", KDEP_FRESH, "");
}

Test(check, stamp_touched_with_the_same_value_is_fresh)
{
	/* kconfig rewrote auto.conf; FOO's stamp is newer, FOO is still y */
	tree();
	build();
	tu_write(AUTOCONF, "CONFIG_FOO=y\nCONFIG_NUM=10\n"
			   "CONFIG_STR=\"hello world\"\n");
	tu_setmtime("include/config/FOO", 5000, 0);
	expect("include/config/FOO", KDEP_FRESH, "");
}

Test(check, stamp_touched_in_the_targets_second_with_the_same_value_is_fresh)
{
	tree();
	build();
	tu_setmtime("include/config/FOO", 2000, 0);
	expect("", KDEP_FRESH, "");
}

Test(check, value_changed_with_stamp_in_the_targets_second_is_stale)
{
	/* the 2018 race: make sees equal mtimes and rebuilds nothing */
	tree();
	build();
	setconfig("CONFIG_NUM=10\nCONFIG_STR=\"hello world\"\n",
		  "include/config/FOO");
	tu_setmtime("include/config/FOO", 2000, 0);
	expect("", KDEP_STALE, "include/config/FOO");
}

Test(check, value_changed_with_stamp_newer_is_stale)
{
	tree();
	build();
	setconfig("CONFIG_NUM=10\nCONFIG_STR=\"hello world\"\n",
		  "include/config/FOO");
	tu_setmtime("include/config/FOO", 5000, 0);
	expect("include/config/FOO", KDEP_STALE, "include/config/FOO");
}

Test(check, missing_auto_conf_is_changed)
{
	tree();
	build();
	unlink(AUTOCONF);
	expect("", KDEP_STALE, AUTOCONF);
	cr_assert_str_eq(said.data, AUTOCONF " cannot be read\n");
}

Test(check, missing_auto_conf_leaves_a_target_without_symbols_fresh)
{
	/* no c line: no value the target was built with is unknown */
	tree();
	tu_write("a.c", "#include \"b.h\"\nint x;\n");
	tu_setmtime("a.c", 1000, 0);
	build();
	unlink(AUTOCONF);
	expect("", KDEP_FRESH, "");
}

Test(check, auto_conf_that_does_not_parse_is_changed)
{
	tree();
	build();
	tu_write(AUTOCONF, "CONFIG_FOO=y\nthis is no config line\n");
	tu_setmtime(AUTOCONF, 1000, 0);
	expect("", KDEP_STALE, AUTOCONF);
}

Test(check, auto_conf_written_during_the_build_is_stale)
{
	char *rec;

	/* its values may not be the ones the compiler saw */
	tree();
	tu_setmtime(AUTOCONF, 2000, 0);
	build();
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(strstr(rec, "\nu " AUTOCONF "\n"), "%s", rec);
	free(rec);
	expect("", KDEP_STALE, AUTOCONF);
	cr_assert_str_eq(said.data,
			 AUTOCONF " may have changed during the build\n");
}

Test(check, header_written_during_the_build_is_stale)
{
	tree();
	tu_setmtime("b.h", 2000, 0);
	build();
	expect("", KDEP_STALE, "b.h");
	cr_assert_str_eq(said.data, "b.h may have changed during the build\n");
}

/* ---- refreshing the record's stat data ---- */

static char forged[17];

static void forgehash(struct kdep_buf *b)
{
	char *p = strstr(b->data, " b.h\n");

	cr_assert(p);
	while (p > b->data && p[-1] != '\n')
		p--;
	cr_assert(p[0] == 'f' && p[1] == ' ');
	memcpy(p + 2, forged, 16);
}

/*
 * After a touch of b.h and one check with flags, forge b.h's recorded
 * hash and check again: fresh if the record's stat data were refreshed
 * (equal stat data older than the record are trusted without hashing),
 * stale if b.h had to be hashed again.
 */
static int forgedaftertouch(unsigned flags)
{
	int v;
	char *s;

	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	s = answer(flags, "b.h", &v);
	cr_assert_eq(v, KDEP_FRESH, "%s", said.data);
	free(s);
	strcpy(forged, "0123456789abcdef");
	rewrite(forgehash);
	daterecord((long long)time(NULL) + 1000); /* not racy */
	return check(0);
}

Test(check, refresh_rewrites_the_stat_data_so_no_hashing_is_needed)
{
	cr_assert_eq(forgedaftertouch(KDEP_CHECK_REFRESH), KDEP_FRESH, "%s",
		     said.data);
}

Test(check, without_refresh_a_touched_file_is_hashed_every_time)
{
	cr_assert_eq(forgedaftertouch(0), KDEP_STALE);
	cr_assert_str_eq(said.data, "b.h changed\n");
}

Test(check, refresh_keeps_the_hash_and_takes_the_new_stat_data)
{
	char *before, *after, *want;
	int v;

	tree();
	build();
	before = recordline("b.h");
	cr_assert(before);
	tu_setmtime("b.h", 5000, 0);
	free(answer(KDEP_CHECK_REFRESH, "b.h", &v));
	cr_assert_eq(v, KDEP_FRESH);
	after = recordline("b.h");
	want = withstatnow(before, "b.h");
	cr_assert(after);
	cr_assert_str_neq(before, after);
	cr_assert_str_eq(after, want);
	/* still a whole record that checks fresh */
	cr_assert_eq(check(0), KDEP_FRESH, "%s", said.data);
	free(before);
	free(after);
	free(want);
}

Test(check, without_refresh_the_record_is_not_rewritten)
{
	char *before, *after;
	struct stat a, b;
	int v;

	tree();
	build();
	before = tu_read(".a.o.kdep", NULL);
	cr_assert_eq(stat(".a.o.kdep", &a), 0);
	tu_setmtime("b.h", 5000, 0);
	free(answer(KDEP_CHECK_RESTAT, "b.h", &v));
	cr_assert_eq(v, KDEP_FRESH);
	after = tu_read(".a.o.kdep", NULL);
	cr_assert_eq(stat(".a.o.kdep", &b), 0);
	cr_assert_str_eq(before, after);
	cr_assert_eq(a.st_ino, b.st_ino);
	free(before);
	free(after);
}

Test(check, a_stale_record_is_not_refreshed)
{
	char *before, *after;
	int v;

	tree();
	build();
	before = tu_read(".a.o.kdep", NULL);
	tu_setmtime("b.h", 5000, 0);
	tu_write("a.c", "int changed;\n");
	free(answer(KDEP_CHECK_REFRESH, "b.h", &v));
	cr_assert_eq(v, KDEP_STALE);
	after = tu_read(".a.o.kdep", NULL);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
}

/* ---- one checker, many checks ---- */

Test(check, restat_sees_a_file_regenerated_between_two_checks)
{
	struct kdep_checker *c = kdep_checker_new(KDEP_CHECK_RESTAT);

	/* make regenerates a header after one target was checked */
	tree();
	build();
	cr_assert_eq(checkby(c), KDEP_FRESH, "%s", said.data);
	tu_write("b.h", "#define B 42\n");
	cr_assert_eq(checkby(c), KDEP_STALE);
	cr_assert_str_eq(said.data, "b.h changed\n");
	kdep_checker_free(c);
}

/*
 * Work in a ramfs folder: its timestamps are as coarse as the kernel's
 * tick (ext4's and tmpfs's were, before Linux 6.13), so a file rewritten
 * in the tick it was read in keeps its stat data.  Needs a private mount
 * namespace (root); skipped elsewhere.
 */
static void coarsefs(void)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		cr_skip_test("no private mount namespace: %s", strerror(errno));
	cr_assert_eq(mkdir("coarse", 0755), 0);
	if (mount("none", "coarse", "ramfs", 0, NULL) < 0)
		cr_skip_test("cannot mount ramfs: %s", strerror(errno));
	cr_assert_eq(chdir("coarse"), 0);
}

static void uncoarse(void)
{
	if (chdir(tu_tmp()) == 0)
		umount2("coarse", MNT_DETACH);
}

Test(check, restat_sees_a_same_size_rewrite_on_coarse_timestamps,
     .fini = uncoarse)
{
	struct kdep_checker *c;
	struct stat a, b;
	int i, same = 0;

	coarsefs();
	tree();
	build();
	cr_assert(c = kdep_checker_new(KDEP_CHECK_RESTAT));
	for (i = 0; i < 50; i++) {
		tu_write("b.h", "#define B 1\n");
		tu_setmtime("b.h", 5000, 0);
		cr_assert_eq(checkby(c), KDEP_FRESH, "%d: %s", i, said.data);
		cr_assert_eq(stat("b.h", &a), 0);
		tu_write("b.h", "#define B 2\n");
		putback("b.h", &a);
		cr_assert_eq(stat("b.h", &b), 0);
		same += a.st_ctim.tv_sec == b.st_ctim.tv_sec &&
			a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
		cr_assert_eq(checkby(c), KDEP_STALE, "try %d", i);
	}
	kdep_checker_free(c);
	cr_log_info("%d of 50 rewrites kept b.h's stat data", same);
}

Test(check, without_restat_a_checker_keeps_what_it_saw_first)
{
	struct kdep_checker *c = kdep_checker_new(0);

	/* documented: each file is stat'ed once per checker (kdep stale) */
	tree();
	build();
	cr_assert_eq(checkby(c), KDEP_FRESH, "%s", said.data);
	tu_write("b.h", "#define B 42\n");
	cr_assert_eq(checkby(c), KDEP_FRESH);
	kdep_checker_free(c);
	cr_assert_eq(check(0), KDEP_STALE);
}

Test(check, restat_rereads_an_auto_conf_rewritten_between_checks)
{
	struct kdep_checker *c = kdep_checker_new(KDEP_CHECK_RESTAT);

	tree();
	build();
	cr_assert_eq(checkby(c), KDEP_FRESH, "%s", said.data);
	tu_write(AUTOCONF, "CONFIG_FOO=m\nCONFIG_NUM=10\n"
			   "CONFIG_STR=\"hello world\"\n");
	cr_assert_eq(checkby(c), KDEP_STALE);
	cr_assert_str_eq(
	    said.data,
	    "include/config/FOO value changed (CONFIG_FOO y -> m)\n");
	kdep_checker_free(c);
}

/* ---- the answer and the command line ---- */

Test(check, answer_does_not_name_a_changed_command_line)
{
	struct kdep_checker *c = kdep_checker_new(0);
	struct kdep_query q = {
	    .target = "a.o", .cmdline = "cc -O3 a.c", .fn = tell};

	/* kbuild compares command lines itself; kdep_answer leaves it */
	tree();
	build();
	expect("", KDEP_FRESH, "");
	clearsaid();
	cr_assert_eq(kdep_check(c, &q), KDEP_STALE);
	cr_assert_str_eq(said.data, "- command line changed\n");
	kdep_checker_free(c);
}

Test(check, missing_target_names_the_target)
{
	tree();
	build();
	unlink("a.o");
	expect("b.h", KDEP_STALE, "a.o");
}

/* ---- errors answer "rebuild" ---- */

/*
 * Let no file grow: the refresh of a touched record cannot be written,
 * so the check fails (SIGXFSZ ignored: write returns EFBIG).
 */
static void nowrites(void)
{
	struct rlimit rl = {0, 0};

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

Test(check, an_error_answers_makes_list_and_the_target)
{
	int v;
	char *s;

	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	nowrites();
	s = answer(KDEP_CHECK_REFRESH, "b.h include/config/FOO", &v);
	cr_assert_lt(v, 0, "%d %s", v, s);
	cr_assert_str_eq(s, "b.h include/config/FOO a.o");
	free(s);
}

Test(check, an_error_with_nothing_newer_answers_the_target)
{
	int v;
	char *s;

	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	nowrites();
	s = answer(KDEP_CHECK_REFRESH, "", &v);
	cr_assert_lt(v, 0);
	cr_assert_str_eq(s, "a.o");
	free(s);
}

/* ---- the tools ---- */

/* Run a command line (a printf format); output and error into *out, *err. */
static int run(char **out, char **err, const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int r;

	va_start(ap, fmt);
	cr_assert(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	r = tu_run(cmd, NULL, out, err);
	free(cmd);
	return r;
}

Test(check, fixdep_without_record_removes_an_old_record)
{
	char *fixdep = tu_tool("fixdep");

	tree();
	cr_assert_eq(run(NULL, NULL,
			 "%s --record --kernel=6.12 .a.o.d a.o "
			 "'cc a.c' >.a.o.cmd",
			 fixdep),
		     0);
	cr_assert_eq(access(".a.o.kdep", F_OK), 0);
	cr_assert_eq(run(NULL, NULL,
			 "%s --kernel=6.12 .a.o.d a.o 'cc a.c' "
			 ">.a.o.cmd",
			 fixdep),
		     0);
	cr_assert_eq(access(".a.o.kdep", F_OK), -1,
		     "a record of another build must not stay");
	free(fixdep);
}

Test(check, fixdep_record_reads_the_default_auto_conf)
{
	char *fixdep = tu_tool("fixdep"), *rec;

	tree();
	cr_assert_eq(run(NULL, NULL,
			 "%s --record --kernel=6.1 .a.o.d a.o "
			 "'cc a.c' >/dev/null",
			 fixdep),
		     0);
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(rec);
	cr_assert(strstr(rec, "\nconf flat " AUTOCONF "\n"), "%s", rec);
	cr_assert(strstr(rec, "\nc FOO y\n"), "%s", rec);
	free(rec);
	expect("", KDEP_FRESH, "");
	free(fixdep);
}

Test(check, fixdep_record_takes_another_auto_conf)
{
	char *fixdep = tu_tool("fixdep"), *rec;

	tree();
	tu_write("cfg/auto.conf", "CONFIG_FOO=m\n");
	tu_setmtime("cfg/auto.conf", 1000, 0);
	cr_assert_eq(run(NULL, NULL,
			 "%s --record --autoconf=cfg/auto.conf "
			 "--kernel=6.1 .a.o.d a.o 'cc a.c' "
			 ">/dev/null",
			 fixdep),
		     0);
	rec = tu_read(".a.o.kdep", NULL);
	cr_assert(strstr(rec, "\nconf flat cfg/auto.conf\n"), "%s", rec);
	cr_assert(strstr(rec, "\nc FOO m\n"), "%s", rec);
	free(rec);
	free(fixdep);
}

Test(check, fixdep_record_with_a_missing_auto_conf_fails_clearly)
{
	char *fixdep = tu_tool("fixdep"), *err = NULL;

	tree();
	cr_assert_eq(run(NULL, &err,
			 "%s --record --autoconf=nope.conf "
			 "--kernel=6.1 .a.o.d a.o 'cc a.c' "
			 ">/dev/null",
			 fixdep),
		     2);
	cr_assert(strstr(err, "nope.conf"), "%s", err);
	cr_assert_eq(access(".a.o.kdep", F_OK), -1);
	free(err);
	free(fixdep);
}

Test(check, kdep_changed_prints_what_changed)
{
	char *kdep = tu_tool("kdep"), *out = NULL;

	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	tu_write("a.c", "int y;\n");
	cr_assert_eq(run(&out, NULL, "%s changed a.o b.h x.a", kdep), 0);
	cr_assert_str_eq(out, "a.c x.a\n");
	free(out);
	free(kdep);
}

Test(check, kdep_changed_prints_an_empty_line_when_fresh)
{
	char *kdep = tu_tool("kdep"), *out = NULL;

	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	cr_assert_eq(run(&out, NULL, "%s changed a.o b.h", kdep), 0);
	cr_assert_str_eq(out, "\n");
	free(out);
	free(kdep);
}

Test(check, kdep_changed_without_a_record_prints_makes_list)
{
	char *kdep = tu_tool("kdep"), *out = NULL;

	tree();
	cr_assert_eq(run(&out, NULL, "%s changed a.o b.h x.a", kdep), 0);
	cr_assert_str_eq(out, "b.h x.a\n");
	free(out);
	free(kdep);
}

Test(check, kdep_changed_refreshes_the_record)
{
	char *kdep = tu_tool("kdep"), *line, *before, *want;

	tree();
	build();
	before = recordline("b.h");
	cr_assert(before);
	tu_setmtime("b.h", 5000, 0);
	cr_assert_eq(run(NULL, NULL, "%s changed a.o b.h", kdep), 0);
	line = recordline("b.h");
	want = withstatnow(before, "b.h");
	cr_assert_str_eq(line, want);
	free(before);
	free(line);
	free(want);
	free(kdep);
}

Test(check, kdep_changed_on_an_error_says_rebuild_and_exits_2)
{
	char *kdep = tu_tool("kdep"), *out = NULL;

	/* the refresh cannot be written; the output goes through a pipe */
	tree();
	build();
	tu_setmtime("b.h", 5000, 0);
	cr_assert_eq(run(&out, NULL,
			 "trap '' XFSZ; (ulimit -f 0; "
			 "%s changed a.o b.h 2>&1; echo rc=$?) | cat",
			 kdep),
		     0);
	cr_assert(strncmp(out, "kdep: a.o: ", 11) == 0, "%s", out);
	cr_assert(strstr(out, "; rebuilding\nb.h a.o\nrc=2\n"), "%s", out);
	free(out);
	free(kdep);
}

Test(check, kdep_changed_without_a_target_is_usage)
{
	char *kdep = tu_tool("kdep"), *err = NULL;

	cr_assert_eq(run(NULL, &err, "%s changed", kdep), 2);
	cr_assert(strstr(err, "usage:"), "%s", err);
	free(err);
	free(kdep);
}

Test(check, kdep_stale_exits_3_without_a_usable_record)
{
	char *kdep = tu_tool("kdep"), *out = NULL;

	tree();
	cr_assert_eq(run(&out, NULL, "%s stale -v a.o", kdep), 3);
	cr_assert_str_eq(out, "a.o: no record\n");
	free(out);
	build();
	rewrite(garbageline);
	cr_assert_eq(run(&out, NULL, "%s stale -v a.o", kdep), 3);
	cr_assert_str_eq(out, "a.o: .a.o.kdep is corrupt\n");
	free(out);
	free(kdep);
}

Test(check, kdep_stale_says_stale_before_no_record)
{
	char *kdep = tu_tool("kdep");

	/* one stale target decides, whatever the others' records */
	tree();
	build();
	tu_write("b.h", "#define B 3\n");
	tu_write("c.o", "object");
	cr_assert_eq(run(NULL, NULL, "%s stale c.o a.o", kdep), 1);
	cr_assert_eq(run(NULL, NULL, "%s stale c.o", kdep), 3);
	free(kdep);
}

Test(check, kdep_stale_is_the_same_with_and_without_reasons)
{
	char *kdep = tu_tool("kdep"), *out = NULL;

	/* a change before a corrupt line: no usable record either way */
	tree();
	build();
	rewrite(garbageline);
	tu_write("a.c", "int z;\n");
	cr_assert_eq(run(&out, NULL, "%s stale a.o", kdep), 3);
	free(out);
	cr_assert_eq(run(&out, NULL, "%s stale -v a.o", kdep), 3, "%s", out);
	/* the changes of a record that turned out corrupt are not told */
	cr_assert_str_eq(out, "a.o: .a.o.kdep is corrupt\n");
	free(out);
	free(kdep);
}

/* ---- kbuild content mode ---- */

/*
 * A Kbuild.include of our own with the three definitions content mode
 * hooks, written the way kbuild spells them (continuations included).
 */
static void kbuildtree(const char *top, int hooks)
{
	struct kdep_buf b = {0};
	char *path;

	if (hooks)
		cr_assert_eq(kdep_bufputs(&b,
					  "# test tree\n"
					  "newer-prereqs = $(filter-out "
					  "$(PHONY),$?)\n"
					  "if-changed-cond = $(newer-prereqs)"
					  "$(cmd-check)\n"),
			     0);
	cr_assert_eq(kdep_bufputs(&b, "cmd_and_fixdep =          \\\n"
				      "\t$(cmd);                  \\\n"
				      "\tscripts/basic/fixdep $(depfile) $@ "
				      "'$(make-cmd)' > $(dot-target).cmd\n"
				      "other = 1\n"),
		     0);
	cr_assert(asprintf(&path, "%s/scripts/Kbuild.include", top) > 0);
	tu_write(path, b.data);
	free(path);
	kdep_buffree(&b);
}

Test(check, kbuildmk_hooks_newer_prereqs_and_fixdep)
{
	struct kdep_buf out = {0};

	kbuildtree("linux", 1);
	cr_assert_eq(
	    kdep_kbuildmk("linux", "/opt/k/kdep.so", "/opt/k/fixdep", &out), 0,
	    "%s", kdep_errmsg());
	cr_assert(strstr(out.data, "\n-load /opt/k/kdep.so\n"), "%s", out.data);
	cr_assert(strstr(out.data,
			 "\noverride newer-prereqs = "
			 "$(kdep-newer $@,$(filter-out $(PHONY),$?))\n"),
		  "%s", out.data);
	cr_assert(strstr(out.data,
			 "\noverride cmd_and_fixdep =          \\\n"
			 "\t$(cmd);                  \\\n"
			 "\t/opt/k/fixdep --record "
			 "--kernel=$(VERSION).$(PATCHLEVEL) "
			 "$(addprefix --input=,$(if $(objtool-enabled),"
			 "$(wildcard $(objtool)))) $(depfile) $@ "
			 "'$(make-cmd)' > $(dot-target).cmd\n"),
		  "%s", out.data);
	cr_assert_null(strstr(out.data, "other"), "%s", out.data);
	cr_assert_null(strstr(out.data, "scripts/basic/fixdep"), "%s",
		       out.data);
	kdep_buffree(&out);
}

Test(check, kbuildmk_finds_the_source_tree_of_an_o_folder)
{
	struct kdep_buf out = {0};

	/* kbuild's O= folder has "source" pointing at the tree */
	kbuildtree("linux", 1);
	cr_assert_eq(mkdir("build", 0755), 0);
	cr_assert_eq(symlink("../linux", "build/source"), 0);
	cr_assert_eq(kdep_kbuildmk("build", "/k/kdep.so", "/k/fixdep", &out), 0,
		     "%s", kdep_errmsg());
	cr_assert(strstr(out.data, "/k/fixdep --record"), "%s", out.data);
	kdep_buffree(&out);
}

Test(check, kbuildmk_refuses_a_tree_without_if_changed_cond)
{
	struct kdep_buf out = {0};

	kbuildtree("old", 0);
	cr_assert_eq(kdep_kbuildmk("old", "/k/kdep.so", "/k/fixdep", &out),
		     KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(),
			 "old/scripts/Kbuild.include: no "
			 "if-changed-cond/newer-prereqs (kbuild before Linux "
			 "5.15): content mode cannot hook it");
	kdep_buffree(&out);
}

Test(check, kbuildmk_refuses_a_folder_that_is_no_kernel_tree)
{
	struct kdep_buf out = {0};

	cr_assert_eq(mkdir("empty", 0755), 0);
	cr_assert_eq(kdep_kbuildmk("empty", "/k/kdep.so", "/k/fixdep", &out),
		     KDEP_EDATA);
	cr_assert_str_eq(
	    kdep_errmsg(),
	    "empty: not a kernel tree (no scripts/Kbuild.include)");
	kdep_buffree(&out);
}

Test(check, kbuildmk_refuses_a_path_make_cannot_hold)
{
	struct kdep_buf out = {0};

	kbuildtree("linux", 1);
	cr_assert_eq(
	    kdep_kbuildmk("linux", "/my dir/kdep.so", "/k/fixdep", &out),
	    KDEP_EDATA);
	cr_assert(strstr(kdep_errmsg(), "/my dir/kdep.so"), "%s",
		  kdep_errmsg());
	kdep_buffree(&out);
}

Test(check, kdep_make_in_a_tree_without_hooks_fails_with_one_line)
{
	char *kdep = tu_tool("kdep"), *err = NULL;

	kbuildtree("old", 0);
	cr_assert_eq(run(NULL, &err,
			 "KDEP_PLUGIN=/dev/null KDEP_FIXDEP=/dev/null "
			 "%s make -C old",
			 kdep),
		     1);
	cr_assert_str_eq(err, "kdep: old/scripts/Kbuild.include: no "
			      "if-changed-cond/newer-prereqs (kbuild before "
			      "Linux 5.15): content mode cannot hook it\n");
	free(err);
	free(kdep);
}

Test(check, removerecords_removes_every_record_under_a_tree)
{
	size_t n = 99;

	tu_write("o/.a.o.kdep", "x");
	tu_write("o/sub/deep/.b.o.kdep", "x");
	tu_write("o/sub/.c.ko.kdep", "x");
	tu_write("o/.a.o.cmd", "keep");
	tu_write("o/a.kdep", "keep: no dot");
	tu_write("o/.kdep", "keep: no target");
	tu_write("outside/.z.o.kdep", "keep: not under the tree");
	cr_assert_eq(symlink("../outside", "o/link"), 0);
	cr_assert_eq(kdep_removerecords("o", &n), 0, "%s", kdep_errmsg());
	cr_assert_eq(n, 3);
	cr_assert_eq(access("o/.a.o.kdep", F_OK), -1);
	cr_assert_eq(access("o/sub/deep/.b.o.kdep", F_OK), -1);
	cr_assert_eq(access("o/sub/.c.ko.kdep", F_OK), -1);
	cr_assert_eq(access("o/.a.o.cmd", F_OK), 0);
	cr_assert_eq(access("o/a.kdep", F_OK), 0);
	cr_assert_eq(access("o/.kdep", F_OK), 0);
	cr_assert_eq(access("outside/.z.o.kdep", F_OK), 0,
		     "a symbolic link is not followed");
}

Test(check, removerecords_of_a_missing_folder_removes_nothing)
{
	size_t n = 99;

	cr_assert_eq(kdep_removerecords("nowhere", &n), 0);
	cr_assert_eq(n, 0);
}
