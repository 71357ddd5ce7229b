/*
 * autoksyms_test.c - TRIM_UNUSED_KSYMS symbol lists, the autoksyms.h
 * header, ksym stamps and ksymdeps blocks, on synthetic build roots.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

#define TOP "/*\n * Automatically generated file; DO NOT EDIT.\n */\n\n"

static char *root;

static void setup(void)
{
	root = tu_tmpdir();
	tu_write("include/config/auto.conf", "CONFIG_TRIM_UNUSED_KSYMS=y\n");
	tu_write("modules.order", "");
}

static void teardown(void)
{
	tu_rmtree(root);
	free(root);
}

TestSuite(autoksyms, .init = setup, .fini = teardown);

static const struct kdep_autoksyms adjust = {.modorder = "modules.order"};

/* The needed list as "a,b,c" (malloc'd), or NULL with the error kept. */
static char *needed(const struct kdep_autoksyms *a, int *err)
{
	struct kdep_ksyms *l = kdep_ksyms_new();
	struct kdep_buf b = {0};
	int r;

	cr_assert(l);
	r = kdep_ksyms_needed(a, l);
	if (err)
		*err = r;
	if (r < 0) {
		kdep_ksyms_free(l);
		return NULL;
	}
	kdep_bufputs(&b, "");
	for (size_t i = 0; i < kdep_ksyms_count(l); i++) {
		if (i)
			kdep_bufputs(&b, ",");
		kdep_bufputs(&b, kdep_ksyms_name(l, i));
	}
	kdep_ksyms_free(l);
	return b.data;
}

static void expect_needed(const struct kdep_autoksyms *a, const char *want)
{
	int err;
	char *got = needed(a, &err);

	cr_assert_eq(err, 0, "%s", kdep_errmsg());
	cr_assert_str_eq(got, want);
	free(got);
}

static void expect_refused(const struct kdep_autoksyms *a, int code,
			   const char *msg)
{
	int err;
	char *got = needed(a, &err);

	cr_assert_null(got, "accepted: %s", got);
	cr_assert_eq(err, code);
	cr_assert_str_eq(kdep_errmsg(), msg);
}

/* ---- symbol lists -------------------------------------------------------- */

Test(autoksyms, a_new_list_is_empty)
{
	struct kdep_ksyms *l = kdep_ksyms_new();

	cr_assert(l);
	cr_assert_eq(kdep_ksyms_count(l), 0);
	cr_assert_not(kdep_ksyms_has(l, "a", 1));
	kdep_ksyms_free(l);
	kdep_ksyms_free(NULL);
}

Test(autoksyms, the_count_drops_duplicates_once_sorted)
{
	struct kdep_ksyms *l = kdep_ksyms_new();

	cr_assert_eq(kdep_ksyms_add(l, "b", 1), 0);
	cr_assert_eq(kdep_ksyms_add(l, "a", 1), 0);
	cr_assert_eq(kdep_ksyms_add(l, "b", 1), 0);
	cr_assert_eq(kdep_ksyms_count(l), 3);
	cr_assert_eq(kdep_ksyms_sort(l), 0);
	cr_assert_eq(kdep_ksyms_count(l), 2);
	kdep_ksyms_free(l);
}

Test(autoksyms, lists_sort_bytewise_without_duplicates)
{
	static const char *in[] = {"b", "_a", "B", "a1", "b", "A", "a", "_a"};
	struct kdep_ksyms *l = kdep_ksyms_new();
	struct kdep_buf b = {0};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		cr_assert_eq(kdep_ksyms_add(l, in[i], strlen(in[i])), 0);
	cr_assert_eq(kdep_ksyms_sort(l), 0);
	for (size_t i = 0; i < kdep_ksyms_count(l); i++)
		kdep_bufprintf(&b, "%s ", kdep_ksyms_name(l, i));
	cr_assert_str_eq(b.data, "A B _a a a1 b ");
	cr_assert(kdep_ksyms_has(l, "a1xx", 2));
	cr_assert_not(kdep_ksyms_has(l, "a", 0));
	cr_assert_not(kdep_ksyms_has(l, "c", 1));
	kdep_buffree(&b);
	kdep_ksyms_free(l);
}

/* ---- what modules need --------------------------------------------------- */

Test(autoksyms, reads_the_usyms_of_every_module_in_modules_order)
{
	tu_write("modules.order", "drivers/a.ko\nfs/b.ko\n");
	tu_write("drivers/a.usyms", "printk\nkmalloc\n");
	tu_write("fs/b.usyms", "printk\nvfree");
	expect_needed(&adjust, "kmalloc,printk,vfree");
}

Test(autoksyms, only_a_trailing_ko_becomes_usyms)
{
	tu_write("modules.order", "a.ko\nko.list\n");
	tu_write("a.usyms", "x\n");
	tu_write("ko.list", "y\n");
	expect_needed(&adjust, "x,y");
}

Test(autoksyms, without_modules_order_only_config_symbols_are_listed)
{
	struct kdep_autoksyms a = {0};

	tu_write("modules.order", "missing.ko\n");
	tu_write("include/config/auto.conf", "CONFIG_MODVERSIONS=y\n");
	expect_needed(&a, "module_layout");
}

Test(autoksyms, modversions_adds_module_layout)
{
	tu_write("include/config/auto.conf", "CONFIG_MODVERSIONS=y\n");
	expect_needed(&adjust, "module_layout");
}

Test(autoksyms, modversions_must_be_exactly_y)
{
	tu_write("include/config/auto.conf",
		 "CONFIG_MODVERSIONS=m\nCONFIG_MODVERSIONS=y \n"
		 "# CONFIG_MODVERSIONS=y\n");
	expect_needed(&adjust, "");
}

Test(autoksyms, spaces_separate_symbols_and_empty_lines_are_skipped)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "  a  b\n\n c \n");
	expect_needed(&adjust, "a,b,c");
}

Test(autoksyms, one_leading_dot_is_dropped_for_ppc64)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", ".memcpy\nmemcpy\n._x\n");
	expect_needed(&adjust, "_x,memcpy");
}

Test(autoksyms, this_module_is_dropped)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "__this_module\n__this_module2\n");
	expect_needed(&adjust, "__this_module2");
}

Test(autoksyms, a_missing_usyms_file_is_an_error_naming_it)
{
	tu_write("modules.order", "gone.ko\n");
	expect_refused(
	    &adjust, KDEP_ENOENT,
	    "error opening file: gone.usyms: No such file or directory");
}

Test(autoksyms, a_missing_auto_conf_is_an_error_naming_it)
{
	unlink("include/config/auto.conf");
	expect_refused(&adjust, KDEP_ENOENT,
		       "error opening file: include/config/auto.conf: No such "
		       "file or directory");
}

/* ---- hostile names ------------------------------------------------------- */

Test(autoksyms, a_slash_in_a_symbol_is_refused_with_file_and_line)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "ok\n../../etc/passwd\n");
	expect_refused(&adjust, KDEP_EDATA,
		       "m.usyms:2: bad symbol name: byte 0x2e at offset 0");
}

Test(autoksyms, a_tab_is_not_a_separator)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "a\tb\n");
	expect_refused(&adjust, KDEP_EDATA,
		       "m.usyms:1: bad symbol name: byte 0x09 at offset 1");
}

Test(autoksyms, a_crlf_line_end_is_refused)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "a\r\n");
	expect_refused(&adjust, KDEP_EDATA,
		       "m.usyms:1: bad symbol name: byte 0x0d at offset 1");
}

Test(autoksyms, a_lone_dot_is_an_empty_name)
{
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "a .\n");
	expect_refused(&adjust, KDEP_EDATA,
		       "m.usyms:1: bad symbol name: empty name");
}

Test(autoksyms, a_nul_byte_is_refused)
{
	tu_write("modules.order", "m.ko\n");
	tu_writen("m.usyms", "ab\0c\n", 5);
	expect_refused(&adjust, KDEP_EDATA,
		       "m.usyms:1: bad symbol name: byte 0x00 at offset 2");
}

Test(autoksyms, names_of_1024_bytes_pass_and_longer_ones_do_not)
{
	char name[1026];

	memset(name, 'x', 1024);
	strcpy(name + 1024, "\n");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", name);
	char *got = needed(&adjust, NULL);
	cr_assert(got && strlen(got) == 1024);
	free(got);
	memset(name, 'x', 1025);
	name[1025] = '\0';
	tu_write("m.usyms", name);
	expect_refused(&adjust, KDEP_EDATA,
		       "m.usyms:1: bad symbol name: longer than 1024 bytes");
}

/* ---- whitelists ---------------------------------------------------------- */

Test(autoksyms, a_relative_whitelist_is_read_under_abs_srctree)
{
	struct kdep_autoksyms a = adjust;
	char *src = getcwd(NULL, 0);

	a.abs_srctree = src;
	tu_write("include/config/auto.conf",
		 "CONFIG_UNUSED_KSYMS_WHITELIST=scripts/wl.txt\n");
	tu_write("scripts/wl.txt", "wl_b wl_a\n");
	expect_needed(&a, "wl_a,wl_b");
	free(src);
}

Test(autoksyms, a_quoted_whitelist_value_is_unquoted)
{
	struct kdep_autoksyms a = adjust;
	char *src = getcwd(NULL, 0);
	struct kdep_buf conf = {0};

	kdep_bufprintf(&conf, "CONFIG_UNUSED_KSYMS_WHITELIST=\"%s/w l.txt\"\n",
		       src);
	tu_write("include/config/auto.conf", conf.data);
	tu_write("w l.txt", "quoted\n");
	expect_needed(&a, "quoted");
	kdep_buffree(&conf);
	free(src);
}

Test(autoksyms, a_missing_whitelist_gives_the_scripts_message)
{
	struct kdep_autoksyms a = adjust;

	a.abs_srctree = "/src";
	tu_write("include/config/auto.conf",
		 "CONFIG_UNUSED_KSYMS_WHITELIST=nope.txt\n");
	expect_refused(&a, KDEP_EDATA,
		       "ERROR: '/src/nope.txt' whitelist file not found");
}

Test(autoksyms, a_folder_is_not_a_whitelist)
{
	tu_write("include/config/auto.conf",
		 "CONFIG_UNUSED_KSYMS_WHITELIST=/\n");
	expect_refused(&adjust, KDEP_EDATA,
		       "ERROR: '/' whitelist file not found");
}

Test(autoksyms, an_empty_whitelist_value_means_none)
{
	tu_write("include/config/auto.conf",
		 "CONFIG_UNUSED_KSYMS_WHITELIST=\"\"\n");
	expect_needed(&adjust, "");
}

Test(autoksyms, a_bad_whitelist_line_is_named)
{
	char *src = getcwd(NULL, 0);
	struct kdep_buf conf = {0}, msg = {0};

	kdep_bufprintf(&conf, "CONFIG_UNUSED_KSYMS_WHITELIST=%s/wl\n", src);
	tu_write("include/config/auto.conf", conf.data);
	tu_write("wl", "good\n# a comment\n");
	kdep_bufprintf(&msg, "%s/wl:2: bad symbol name: byte 0x23 at offset 0",
		       src);
	expect_refused(&adjust, KDEP_EDATA, msg.data);
	kdep_buffree(&msg);
	kdep_buffree(&conf);
	free(src);
}

/* ---- Linux 4.14 .mod files ----------------------------------------------- */

Test(autoksyms, the_third_line_of_each_mod_file_is_read)
{
	struct kdep_autoksyms a = {.modverdir = ".tmp_versions"};

	tu_write(".tmp_versions/a.mod",
		 "drivers/a.ko\ndrivers/a.o\nprintk kfree\n");
	tu_write(".tmp_versions/b.mod", "fs/b.ko\nfs/b.o\n\n");
	tu_write(".tmp_versions/notes.txt", "not a .mod\n");
	tu_write(".tmp_versions/.hidden.mod", "x\ny\nhidden\n");
	expect_needed(&a, "kfree,printk");
}

Test(autoksyms, a_bad_name_in_a_mod_file_names_line_3)
{
	struct kdep_autoksyms a = {.modverdir = "mv"};

	tu_write("mv/a.mod", "a.ko\na.o\nok b$d\n");
	expect_refused(&a, KDEP_EDATA,
		       "mv/a.mod:3: bad symbol name: byte 0x24 at offset 1");
}

Test(autoksyms, a_missing_mod_folder_is_an_io_error_naming_it)
{
	struct kdep_autoksyms a = {.modverdir = "nope"};

	expect_refused(&a, KDEP_ENOENT, "error opening folder: nope: "
				     "No such file or directory");
}

/* ---- the header ---------------------------------------------------------- */

Test(autoksyms, gen_writes_the_scripts_header)
{
	struct kdep_autoksyms a = adjust;
	char *got;

	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "b a\n");
	cr_assert_eq(kdep_ksyms_gen(&a, "out/autoksyms.h"), 0, "%s",
		     kdep_errmsg());
	got = tu_read("out/autoksyms.h", NULL);
	cr_assert_str_eq(got, TOP "#define __KSYM_a 1\n#define __KSYM_b 1\n");
	free(got);
}

Test(autoksyms, an_empty_list_gives_just_the_comment)
{
	struct kdep_ksyms *l = kdep_ksyms_new();
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_ksyms_header(l, &b), 0);
	cr_assert_str_eq(b.data, TOP);
	kdep_buffree(&b);
	kdep_ksyms_free(l);
}

Test(autoksyms, reading_a_header_counts_its_symbol_lines)
{
	struct kdep_ksyms *l = kdep_ksyms_new();
	size_t count = 99;

	tu_write("h", TOP "#define __KSYM_b 1\n#define __KSYM_a 1\n");
	cr_assert_eq(kdep_ksyms_readheader("h", l, &count), 0);
	cr_assert_eq(count, 2);
	cr_assert_eq(kdep_ksyms_count(l), 2);
	cr_assert_str_eq(kdep_ksyms_name(l, 0), "a");
	kdep_ksyms_free(l);
}

Test(autoksyms, a_missing_header_is_an_empty_list)
{
	struct kdep_ksyms *l = kdep_ksyms_new();
	size_t count = 99;

	cr_assert_eq(kdep_ksyms_readheader("nothing.h", l, &count), 0);
	cr_assert_eq(count, 0);
	cr_assert_eq(kdep_ksyms_count(l), 0);
	kdep_ksyms_free(l);
}

Test(autoksyms, a_malformed_header_line_is_named)
{
	struct kdep_ksyms *l = kdep_ksyms_new();

	tu_write("h", TOP "#define __KSYM_a 1\n#define __KSYM_../x 1\n");
	cr_assert_eq(kdep_ksyms_readheader("h", l, NULL), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(),
			 "h:6: not a '#define __KSYM_<symbol> 1' line");
	kdep_ksyms_free(l);
}

/* ---- plan and apply ------------------------------------------------------ */

static void mtime(const char *path, struct timespec *ts)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	*ts = st.st_mtim;
}

static int newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void old_header(const char *syms)
{
	struct kdep_buf b = {0};
	const char *s = syms;

	kdep_bufputs(&b, TOP);
	while (*s) {
		size_t n = strcspn(s, " ");

		kdep_bufputs(&b, "#define __KSYM_");
		kdep_bufadd(&b, s, n);
		kdep_bufputs(&b, " 1\n");
		s += n + (s[n] == ' ');
	}
	tu_write("include/generated/autoksyms.h", b.data);
	kdep_buffree(&b);
}

static void expect_file(const char *path, const char *want)
{
	char *got = tu_read(path, NULL);

	cr_assert(got, "%s is missing", path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

Test(autoksyms, the_plan_lists_added_and_removed_symbols)
{
	struct kdep_ksymplan p;

	old_header("gone kept");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "kept new\n");
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), 0, "%s", kdep_errmsg());
	cr_assert_eq(p.before, 2);
	cr_assert_eq(p.after, 2);
	cr_assert_eq(kdep_ksyms_count(p.changed), 2);
	cr_assert_str_eq(kdep_ksyms_name(p.changed, 0), "gone");
	cr_assert_str_eq(kdep_ksyms_name(p.changed, 1), "new");
	cr_assert_str_eq(p.text.data,
			 TOP "#define __KSYM_kept 1\n#define __KSYM_new 1\n");
	kdep_ksymplan_free(&p);
}

Test(autoksyms, a_failed_plan_holds_nothing_to_free)
{
	struct kdep_ksymplan p;

	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "good bad-name\n");
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), KDEP_EDATA);
	cr_assert_null(p.old);
	cr_assert_null(p.want);
	cr_assert_null(p.changed);
	cr_assert_null(p.text.data);
	kdep_ksymplan_free(&p);
}

Test(autoksyms, planning_writes_nothing)
{
	struct kdep_ksymplan p;

	old_header("a");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "b\n");
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), 0);
	expect_file("include/generated/autoksyms.h",
		    TOP "#define __KSYM_a 1\n");
	cr_assert_eq(access("include/ksym", F_OK), -1);
	kdep_ksymplan_free(&p);
}

Test(autoksyms, apply_writes_header_and_stamps_holding_the_state)
{
	struct kdep_ksymplan p;

	old_header("gone kept");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "kept new\n");
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), 0);
	cr_assert_eq(kdep_ksyms_apply(&adjust, &p), 0, "%s", kdep_errmsg());
	expect_file("include/generated/autoksyms.h",
		    TOP "#define __KSYM_kept 1\n#define __KSYM_new 1\n");
	expect_file("include/ksym/new", "__KSYM_new 1\n");
	expect_file("include/ksym/gone", "__KSYM_gone 0\n");
	cr_assert_eq(access("include/ksym/kept", F_OK), -1,
		     "unchanged: no stamp");
	cr_assert_eq(access("include/generated/autoksyms.h.tmpnew", F_OK), -1);
	kdep_ksymplan_free(&p);
}

Test(autoksyms, stamps_are_strictly_newer_than_the_new_header)
{
	struct kdep_ksymplan p;
	struct timespec h, s1, s2;

	old_header("gone");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "new\n");
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), 0);
	cr_assert_eq(kdep_ksyms_apply(&adjust, &p), 0);
	mtime("include/generated/autoksyms.h", &h);
	mtime("include/ksym/new", &s1);
	mtime("include/ksym/gone", &s2);
	cr_assert(newer(&s1, &h) && newer(&s2, &h));
	kdep_ksymplan_free(&p);
}

Test(autoksyms, split_layout_stamps_go_under_the_given_folder)
{
	struct kdep_autoksyms a = adjust;
	struct kdep_ksymplan p;

	a.layout = KDEP_SPLIT;
	a.ksymdir = "include/config/ksym";
	old_header("");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "__Clear_user\n");
	cr_assert_eq(kdep_ksyms_plan(&a, &p), 0);
	cr_assert_eq(kdep_ksyms_apply(&a, &p), 0, "%s", kdep_errmsg());
	expect_file("include/config/ksym/clear/user.h",
		    "__KSYM___Clear_user 1\n");
	kdep_ksymplan_free(&p);
}

Test(autoksyms, a_stamp_path_defaults_to_flat_under_include_ksym)
{
	struct kdep_autoksyms a = {0};
	struct kdep_buf b = {0};

	kdep_bufputs(&b, "$(wildcard ");
	cr_assert_eq(kdep_ksymstamppath(&a, "__put_user_2", 12, &b), 0);
	cr_assert_str_eq(b.data, "$(wildcard include/ksym/__put_user_2");
	kdep_buffree(&b);
}

Test(autoksyms, a_stamp_path_follows_the_given_folder_and_layout)
{
	struct kdep_autoksyms a = {.ksymdir = "k", .layout = KDEP_SPLIT};
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_ksymstamppath(&a, "__put_user_2", 12, &b), 0);
	cr_assert_str_eq(b.data, "k/put/user/2.h");
	b.len = 0;
	cr_assert_eq(kdep_ksymstamppath(&a, "../x", 4, &b), KDEP_EDATA);
	kdep_buffree(&b);
}

Test(autoksyms, a_stamp_already_in_the_wanted_state_changes_spelling)
{
	struct timespec t = {1, 0};

	cr_assert_eq(kdep_ksymstamp(&adjust, "foo", 3, 1, &t, NULL), 1);
	expect_file("include/ksym/foo", "__KSYM_foo 1\n");
	cr_assert_eq(kdep_ksymstamp(&adjust, "foo", 3, 1, &t, NULL), 1);
	expect_file("include/ksym/foo", "__KSYM_foo 1 redo\n");
	cr_assert_eq(kdep_ksymstamp(&adjust, "foo", 3, 1, &t, NULL), 1);
	expect_file("include/ksym/foo", "__KSYM_foo 1\n");
	cr_assert_eq(kdep_ksymstamp(&adjust, "foo", 3, 0, &t, NULL), 1);
	expect_file("include/ksym/foo", "__KSYM_foo 0\n");
}

Test(autoksyms, a_stamp_is_dated_after_a_time_in_the_future)
{
	struct timespec after, got, kept;

	clock_gettime(CLOCK_REALTIME, &after);
	after.tv_sec += 1000;
	after.tv_nsec = 999999999;
	cr_assert_eq(kdep_ksymstamp(&adjust, "foo", 3, 1, &after, &got), 1);
	mtime("include/ksym/foo", &kept);
	cr_assert(newer(&kept, &after));
	cr_assert_eq(got.tv_sec, kept.tv_sec);
	cr_assert_eq(got.tv_nsec, kept.tv_nsec);
}

Test(autoksyms, a_stamp_that_is_a_symlink_is_not_followed)
{
	tu_write("target", "keep\n");
	tu_write("include/ksym/.keep", "");
	cr_assert_eq(symlink("../../target", "include/ksym/foo"), 0);
	cr_assert_eq(kdep_ksymstamp(&adjust, "foo", 3, 1, NULL, NULL),
		     KDEP_EWRITE);
	expect_file("target", "keep\n");
}

Test(autoksyms, a_stamp_is_refused_for_a_bad_name)
{
	cr_assert_eq(kdep_ksymstamp(&adjust, "../x", 4, 1, NULL, NULL),
		     KDEP_EDATA);
	cr_assert_eq(access("x", F_OK), -1);
}

/*
 * A crash between the stamps and the header: made here by turning the
 * header into a folder after planning, so that the final rename fails.
 */
Test(autoksyms, a_failure_before_the_header_rename_is_redone_next_run)
{
	struct kdep_ksymplan p;
	struct timespec h, s;

	old_header("gone");
	tu_write("modules.order", "m.ko\n");
	tu_write("m.usyms", "new\n");
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), 0);
	cr_assert_eq(rename("include/generated/autoksyms.h", "saved.h"), 0);
	tu_write("include/generated/autoksyms.h/blocker", "");
	cr_assert_lt(kdep_ksyms_apply(&adjust, &p), 0);
	kdep_ksymplan_free(&p);
	expect_file("include/ksym/new", "__KSYM_new 1\n");
	cr_assert_eq(access("include/generated/autoksyms.h.tmpnew", F_OK), -1);

	/* the old header is back, as a crash would have left it */
	tu_rmtree("include/generated/autoksyms.h");
	cr_assert_eq(rename("saved.h", "include/generated/autoksyms.h"), 0);
	cr_assert_eq(kdep_ksyms_plan(&adjust, &p), 0);
	cr_assert_eq(kdep_ksyms_count(p.changed), 2,
		     "the change is found again");
	cr_assert_eq(kdep_ksyms_apply(&adjust, &p), 0, "%s", kdep_errmsg());
	expect_file("include/generated/autoksyms.h",
		    TOP "#define __KSYM_new 1\n");
	expect_file("include/ksym/new", "__KSYM_new 1 redo\n");
	expect_file("include/ksym/gone", "__KSYM_gone 0 redo\n");
	mtime("include/generated/autoksyms.h", &h);
	mtime("include/ksym/new", &s);
	cr_assert(newer(&s, &h));
	kdep_ksymplan_free(&p);
}

/* ---- ksymdeps ------------------------------------------------------------ */

static void compile(const char *src)
{
	char *err = NULL;

	tu_write("k.c", src);
	if (tu_run("cc -c -o k.o k.c", NULL, NULL, &err) != 0)
		cr_skip_test("no C compiler: %s", err);
	free(err);
}

#define MARK(s)                                                                \
	"static int __ksym_marker_" s "[0] "                                   \
	"__attribute__((section(\".discard.ksym\"), used));\n"

Test(autoksyms, ksymdeps_lists_markers_sorted_by_symbol_name)
{
	struct kdep_buf b = {0};

	compile(MARK("zeta") MARK("Alpha") MARK("__kmalloc") MARK("beta"));
	cr_assert_eq(kdep_ksymdeps("k.o", NULL, KDEP_FLAT, &b), 0, "%s",
		     kdep_errmsg());
	cr_assert_str_eq(b.data, "\n"
				 "ksymdeps_k.o := \\\n"
				 "    $(wildcard include/ksym/Alpha) \\\n"
				 "    $(wildcard include/ksym/__kmalloc) \\\n"
				 "    $(wildcard include/ksym/beta) \\\n"
				 "    $(wildcard include/ksym/zeta) \\\n"
				 "\n"
				 "k.o: $(ksymdeps_k.o)\n"
				 "\n"
				 "$(ksymdeps_k.o):\n");
	kdep_buffree(&b);
}

Test(autoksyms, ksymdeps_split_layout_is_the_5_0_spelling)
{
	struct kdep_buf b = {0};

	compile(MARK("__Put_user_2"));
	cr_assert_eq(kdep_ksymdeps("k.o", "include/ksym", KDEP_SPLIT, &b), 0);
	cr_assert(
	    strstr(b.data, "    $(wildcard include/ksym/put/user/2.h) \\\n"),
	    "%s", b.data);
	kdep_buffree(&b);
}

Test(autoksyms, ksymdeps_of_an_object_without_markers_is_empty)
{
	struct kdep_buf b = {0};

	compile("int plain;\n");
	cr_assert_eq(kdep_ksymdeps("k.o", NULL, KDEP_FLAT, &b), 0);
	cr_assert_eq(b.len, 0);
	kdep_buffree(&b);
}

Test(autoksyms, ksymdeps_refuses_a_marker_that_is_not_an_identifier)
{
	struct kdep_buf b = {0};

	compile("int x __asm__(\"__ksym_marker_a)$(shell rm -rf x)\") = 1;\n");
	cr_assert_eq(kdep_ksymdeps("k.o", NULL, KDEP_FLAT, &b), KDEP_EDATA);
	cr_assert_str_eq(
	    kdep_errmsg(),
	    "k.o: bad __ksym_marker_ symbol: byte 0x29 at offset 1");
	kdep_buffree(&b);
}

Test(autoksyms, ksymdeps_of_a_text_file_names_it)
{
	struct kdep_buf b = {0};

	tu_write("notes.o", "not an object\n");
	cr_assert_eq(kdep_ksymdeps("notes.o", NULL, KDEP_FLAT, &b), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(), "notes.o: not an ELF file");
	kdep_buffree(&b);
}
