/*
 * launch_test.c - kdep cc: which depfile a compiler command writes, and
 * the rewrite that gives ninja one dependency per CONFIG_ symbol.
 */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

/* ---- kdep_depfileof ---- */

static char *depof(char *const *argv)
{
	struct kdep_buf b = {0};
	int r = kdep_depfileof(argv, &b);

	cr_assert_geq(r, 0);
	if (r == 0) {
		kdep_buffree(&b);
		return strdup("-");
	}
	return b.data;
}

#define DEPOF(want, ...)                                                    \
	do {                                                                \
		char *const argv_[] = {"cc", __VA_ARGS__, NULL};            \
		char *got_ = depof(argv_);                                  \
		cr_assert_str_eq(got_, want);                               \
		free(got_);                                                 \
	} while (0)

Test(depfileof, mf_with_md_names_the_depfile)
{
	DEPOF("x.d", "-MD", "-MT", "a.o", "-MF", "x.d", "-c", "a.c", "-o",
	      "a.o");
	DEPOF("x.d", "-MMD", "-MFx.d", "-c", "a.c");
	DEPOF("x.d", "-M", "-MF", "x.d", "a.c");
}

Test(depfileof, wp_md_names_the_depfile)
{
	DEPOF("dir/.a.o.d", "-Wp,-MMD,dir/.a.o.d", "-c", "-o", "dir/a.o",
	      "a.c");
	DEPOF("y.d", "-Wp,-MD,y.d", "-c", "a.c");
}

Test(depfileof, md_alone_is_the_object_with_d)
{
	DEPOF("dir.x/foo.d", "-MD", "-c", "a.c", "-o", "dir.x/foo.o");
	DEPOF("dir.x/foo.d", "-MD", "-c", "a.c", "-odir.x/foo");
	DEPOF("dir/.d", "-MD", "-c", "a.c", "-o", "dir/.o");
}

Test(depfileof, md_without_o_is_the_input_base_with_d)
{
	DEPOF("a.d", "-MMD", "-c", "src/a.c");
}

Test(depfileof, option_values_are_not_inputs_or_outputs)
{
	DEPOF("b.d", "-MD", "-MT", "x.o", "-I", "inc", "-imacros", "c.h",
	      "-c", "src/b.c");
}

Test(depfileof, no_dependency_option_no_depfile)
{
	DEPOF("-", "-c", "a.c", "-o", "a.o");
	DEPOF("-", "-MF", "x.d", "-c", "a.c");
}

/* ---- kdep_launch_rewrite ---- */

static int rewrite(const char *depfile, enum kdep_layout layout)
{
	struct kdep_launch l = {.depfile = depfile, .configdir = "cfg",
				.layout = layout};

	l.scan.boundary = 1;
	return kdep_launch_rewrite(&l);
}

static void tree(void)
{
	tu_tmpdir();
	tu_write("gen/autoconf.h", "#define CONFIG_A 1\n#define CONFIG_B 1\n");
	tu_write("a.c", "int a = CONFIG_A;\n#include \"b.h\"\n");
	tu_write("b.h", "#ifdef CONFIG_B_C\n#endif /* CONFIG_A again */\n");
}

static void expectfile(const char *path, const char *want)
{
	char *got = tu_read(path, NULL);

	cr_assert_not_null(got, "%s missing", path);
	cr_assert_str_eq(got, want);
	free(got);
}

Test(launch, autoconf_becomes_one_stamp_per_symbol)
{
	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	expectfile("a.d", "a.o: \\\n  a.c \\\n  b.h \\\n  cfg/A \\\n  cfg/B_C\n");
}

Test(launch, split_stamps_are_lowercase_paths)
{
	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_SPLIT), 1);
	expectfile("a.d",
		   "a.o: \\\n  a.c \\\n  b.h \\\n  cfg/a.h \\\n  cfg/b/c.h\n");
}

Test(launch, missing_stamps_become_empty_placeholders_from_1970)
{
	struct stat st;

	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_SPLIT), 1);
	cr_assert_eq(stat("cfg/b/c.h", &st), 0);
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(st.st_mtime, 1);
}

Test(launch, placeholders_are_files_of_their_own)
{
	struct stat a, b;

	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	cr_assert_eq(stat("cfg/A", &a), 0);
	cr_assert_eq(stat("cfg/B_C", &b), 0);
	cr_assert_neq(a.st_ino, b.st_ino);
	cr_assert_eq(a.st_nlink, 1);
}

Test(launch, existing_stamps_are_left_alone)
{
	struct stat st;

	tree();
	tu_write("cfg/A", "CONFIG_A=y\n");
	tu_setmtime("cfg/A", 1000000000, 0);
	tu_write("a.d", "a.o: a.c gen/autoconf.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	cr_assert_eq(stat("cfg/A", &st), 0);
	cr_assert_eq(st.st_mtime, 1000000000);
	expectfile("cfg/A", "CONFIG_A=y\n");
}

/* A folder asked for many stamps is listed once instead. */
Test(launch, many_stamps_of_one_folder_missing_made_existing_left_alone)
{
	char *src = NULL, *sym;
	size_t len = 0;
	struct stat st;
	FILE *f;
	int i;

	tu_tmpdir();
	tu_write("gen/autoconf.h", "\n");
	cr_assert_not_null(f = open_memstream(&src, &len));
	for (i = 0; i < 40; i++)
		fprintf(f, "#ifdef CONFIG_S%d\n#endif\n", i);
	fclose(f);
	tu_write("a.c", src);
	free(src);
	for (i = 0; i < 40; i += 3) {
		cr_assert_geq(asprintf(&sym, "cfg/S%d", i), 0);
		tu_write(sym, "y\n");
		tu_setmtime(sym, 1000000000, 0);
		free(sym);
	}
	tu_write("a.d", "a.o: a.c gen/autoconf.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	for (i = 0; i < 40; i++) {
		cr_assert_geq(asprintf(&sym, "cfg/S%d", i), 0);
		cr_assert_eq(stat(sym, &st), 0, "%s missing", sym);
		cr_assert_eq(st.st_mtime, i % 3 ? 1 : 1000000000, "%s", sym);
		cr_assert_eq(st.st_size, i % 3 ? 0 : 2, "%s", sym);
		free(sym);
	}
}

/* Which stamps exist comes from one listing of their folder, cached. */
static int rewritecached(const char *depfile)
{
	struct kdep_launch l = {.depfile = depfile, .configdir = "cfg",
				.layout = KDEP_FLAT};
	struct kdep_cache *c;
	int r;

	l.scan.boundary = 1;
	cr_assert_eq(kdep_cache_open(&c, "cache", &l.scan), 0, "%s",
		     kdep_errmsg());
	l.cache = c;
	r = kdep_launch_rewrite(&l);
	kdep_cache_close(c);
	return r;
}

Test(launch, stamp_removed_after_a_cached_listing_is_made_again)
{
	struct stat st;

	tree();
	tu_write("cfg/A", "CONFIG_A=y\n");
	tu_write("cfg/B_C", "CONFIG_B_C=y\n");
	tu_setmtime("cfg", 1000000000, 0); /* old enough to be trusted */
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	cr_assert_eq(rewritecached("a.d"), 1);
	cr_assert_eq(unlink("cfg/A"), 0);
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	cr_assert_eq(rewritecached("a.d"), 1);
	cr_assert_eq(stat("cfg/A", &st), 0);
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(st.st_mtime, 1);
	expectfile("cfg/B_C", "CONFIG_B_C=y\n");
}

Test(launch, stamp_folder_that_is_a_file_is_an_error_naming_the_stamp)
{
	struct stat st;

	tree();
	tu_write("cfg", "a file where the stamp folder should be\n");
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n");
	/* no folder to list, none to make: an error naming the stamp */
	cr_assert_lt(rewrite("a.d", KDEP_FLAT), 0);
	cr_assert(strstr(kdep_errmsg(), "cfg/A"), "%s", kdep_errmsg());
	cr_assert_neq(stat("cfg/A", &st), 0);
}

Test(launch, depfile_without_autoconf_is_untouched)
{
	struct stat st;

	tree();
	tu_write("a.d", "a.o: a.c b.h\n");
	tu_setmtime("a.d", 1000000000, 0);
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 0);
	cr_assert_eq(stat("a.d", &st), 0);
	cr_assert_eq(st.st_mtime, 1000000000);
	cr_assert_neq(stat("cfg", &st), 0, "no stamps made");
}

Test(launch, autoconf_is_matched_by_base_name_only)
{
	tree();
	tu_write("myautoconf.h", "#define CONFIG_X 1\n");
	tu_write("a.d", "a.o: a.c myautoconf.h gen/autoconf.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	expectfile("a.d", "a.o: \\\n  a.c \\\n  myautoconf.h \\\n  cfg/A \\\n"
			  "  cfg/X\n");
}

Test(launch, names_keep_their_escapes)
{
	tree();
	tu_write("my dir/x$#.h", "CONFIG_Q\n");
	tu_write("a.d", "a.o: a.c my\\ dir/x$$\\#.h gen/autoconf.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	expectfile("a.d", "a.o: \\\n  a.c \\\n  my\\ dir/x$$\\#.h \\\n"
			  "  cfg/A \\\n  cfg/Q\n");
}

Test(launch, phony_rules_stay_and_autoconf_s_goes)
{
	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h b.h\n\ngen/autoconf.h:\n\n"
			"b.h:\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	expectfile("a.d", "a.o: \\\n  a.c \\\n  b.h \\\n  cfg/A \\\n"
			  "  cfg/B_C\nb.h:\n");
}

Test(launch, unreadable_header_leaves_the_depfile_as_it_was)
{
	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h gone.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), KDEP_ENOENT);
	cr_assert(strstr(kdep_errmsg(), "gone.h"));
	expectfile("a.d", "a.o: a.c gen/autoconf.h gone.h\n");
}

Test(launch, name_it_cannot_write_leaves_the_depfile_as_it_was)
{
	tree();
	tu_write("x\\\\\\", "");
	/* "x\" at the end of a line: ninja reads text, then a new line */
	tu_write("a.d", "a.o: a.c gen/autoconf.h \\\n x\\\\\\\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), KDEP_EDATA);
	expectfile("a.d", "a.o: a.c gen/autoconf.h \\\n x\\\\\\\n");
}

Test(launch, no_targets_is_an_error)
{
	tree();
	tu_write("a.d", "\n\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), KDEP_EDATA);
	cr_assert(strstr(kdep_errmsg(), "a.d: no targets found"));
}

static int readback(void *ctx, const struct kdep_token *t)
{
	static const char *const want[] = {"a.o", "a.c", "sp ace.h", "d$l.h",
					   "cfg/A"};
	int *i = ctx;

	cr_assert_lt(*i, 5);
	cr_assert_str_eq(t->s, want[*i]);
	cr_assert_eq(t->kind, *i ? KDEP_TOK_PREREQ : KDEP_TOK_TARGET);
	++*i;
	return 0;
}

Test(launch, rewritten_depfile_reads_back_the_same)
{
	struct kdep_buf b = {0};
	int i = 0;

	tree();
	tu_write("sp ace.h", "");
	tu_write("d$l.h", "");
	tu_write("a.d", "a.o: a.c sp\\ ace.h gen/autoconf.h d$$l.h\n");
	cr_assert_eq(rewrite("a.d", KDEP_FLAT), 1);
	cr_assert_eq(kdep_readfile("a.d", &b, NULL), 0);
	cr_assert_eq(kdep_depparse(b.data, b.len, KDEP_DIALECT_MAKE, readback,
				   &i),
		     0);
	cr_assert_eq(i, 5);
	kdep_buffree(&b);
}

/* ---- kdep cc, the tool ---- */

Test(cc, compiler_that_cannot_run_is_exit_127)
{
	char *cmd, *err = NULL;

	tu_tmpdir();
	cr_assert(asprintf(&cmd, "%s cc -- ./no-such-cc -c a.c",
			   tu_tool("kdep")) > 0);
	cr_assert_eq(tu_run(cmd, NULL, NULL, &err), 127);
	cr_assert_str_eq(err, "kdep: cannot run ./no-such-cc: No such file "
			      "or directory\n");
	free(err);
	free(cmd);
}

Test(cc, compiler_exit_status_is_kept_and_depfile_untouched)
{
	char *cmd;

	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h\n");
	cr_assert(asprintf(&cmd, "%s cc --depfile=a.d -- sh -c 'exit 3'",
			   tu_tool("kdep")) > 0);
	cr_assert_eq(tu_run(cmd, NULL, NULL, NULL), 3);
	expectfile("a.d", "a.o: a.c gen/autoconf.h\n");
	free(cmd);
}

Test(cc, bad_depfile_is_one_warning_and_the_compiles_status)
{
	char *cmd, *err = NULL;

	tree();
	tu_write("a.d", "a.o: a.c gen/autoconf.h gone.h\n");
	cr_assert(asprintf(&cmd, "%s cc --depfile=a.d -- true",
			   tu_tool("kdep")) > 0);
	cr_assert_eq(tu_run(cmd, NULL, NULL, &err), 0);
	cr_assert_str_eq(err, "kdep: warning: error opening file: gone.h: No "
			      "such file or directory; depfile left as it "
			      "was\n");
	expectfile("a.d", "a.o: a.c gen/autoconf.h gone.h\n");
	free(err);
	free(cmd);
}

Test(cc, stdin_and_stdout_pass_through)
{
	char *cmd, *out = NULL;

	tu_tmpdir();
	cr_assert(asprintf(&cmd, "%s cc -- cat", tu_tool("kdep")) > 0);
	cr_assert_eq(tu_run(cmd, "hello\n", &out, NULL), 0);
	cr_assert_str_eq(out, "hello\n");
	free(out);
	free(cmd);
}

Test(cc, compiler_killed_by_a_signal_kills_the_launcher_alike)
{
	char *cmd;

	tu_tmpdir();
	cr_assert(asprintf(&cmd, "%s cc -- sh -c 'kill -TERM $$'",
			   tu_tool("kdep")) > 0);
	cr_assert_eq(tu_run(cmd, NULL, NULL, NULL), 128 + 15);
	free(cmd);
}

Test(cc, sigterm_to_the_launcher_reaches_the_compiler)
{
	char *cmd, *out = NULL;

	tu_tmpdir();
	/* the "compiler" says when it is ready, then waits to be killed */
	cr_assert(asprintf(&cmd,
			   "%s cc -- sh -c 'trap \"echo got TERM; exit 9\" "
			   "TERM; : > ready; while :; do sleep 0.05; done' & "
			   "while [ ! -e ready ]; do sleep 0.05; done; "
			   "kill -TERM $!; wait $!",
			   tu_tool("kdep")) > 0);
	cr_assert_eq(tu_run(cmd, NULL, &out, NULL), 9);
	cr_assert_str_eq(out, "got TERM\n");
	free(out);
	free(cmd);
}
