/*
 * fixdep_test.c - the fixdep tool: .cmd output per profile, byte for byte,
 * and every way it fails.
 *
 * The expected texts follow upstream's rules: the v6.1 example is the
 * literal one of the reference (minus gen_ksymdeps.sh's block, which that
 * script appends), the others apply the same rules to other inputs.
 */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

/*
 * Our own switches are off unless a test turns them on; a fixdep that
 * hangs (on a FIFO, say) is killed and the test fails with status 124.
 */
#define CLEANENV "timeout 60 env -u KDEP_COMPAT -u KDEP_CACHE -u KDEP_RECORD "

struct res {
	int rc;
	char *out, *err;
};

/* Run "fixdep ARGS" (shell words) in the current folder. */
static struct res fixdep_env(const char *env, const char *args,
			     const char *input)
{
	struct res r;
	char *tool = tu_tool("fixdep"), *cmd;

	cr_assert(asprintf(&cmd, CLEANENV "%s '%s' %s", env, tool, args) > 0);
	r.rc = tu_run(cmd, input, &r.out, &r.err);
	free(cmd);
	free(tool);
	return r;
}

static struct res fixdep(const char *args)
{
	return fixdep_env("", args, NULL);
}

static void resfree(struct res *r)
{
	free(r->out);
	free(r->err);
}

static void expect_ok(struct res r, const char *want)
{
	cr_assert_eq(r.rc, 0, "exit %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.out, want);
	cr_assert_str_eq(r.err, "");
	resfree(&r);
}

static void expect_fail(struct res r, int rc, const char *err)
{
	cr_assert_eq(r.rc, rc, "exit %d, stderr: %s", r.rc, r.err);
	cr_assert_str_eq(r.err, err);
	resfree(&r);
}

/* The reference's example tree: drivers/foo/bar.c and include/linux/foo.h. */
static void example(void)
{
	free(tu_tmpdir());
	tu_write("drivers/foo/.bar.o.d",
		 "drivers/foo/bar.o: drivers/foo/bar.c "
		 "include/generated/autoconf.h include/linux/foo.h\n");
	tu_write("drivers/foo/bar.c",
		 "#include <linux/foo.h>\n"
		 "#ifdef CONFIG_FOO_BAR\n"
		 "#if IS_ENABLED(CONFIG_BAZ_MODULE)\n");
	tu_write("include/linux/foo.h",
		 "#if defined(CONFIG_FOO_BAR) || defined(UML_CONFIG_QUX)\n");
}

#define EXAMPLE_ARGS                                                        \
	"drivers/foo/.bar.o.d drivers/foo/bar.o "                           \
	"'gcc -Wp,-MMD,drivers/foo/.bar.o.d ... -c -o drivers/foo/bar.o "   \
	"drivers/foo/bar.c'"

#define EXAMPLE_TAIL                                                        \
	"\n"                                                                \
	"drivers/foo/bar.o: $(deps_drivers/foo/bar.o)\n"                    \
	"\n"                                                                \
	"$(deps_drivers/foo/bar.o):\n"

/* ---- golden outputs ---- */

Test(golden, linux_5_13_prints_the_v6_1_example)
{
	example();
	expect_ok(fixdep("--compat=linux-5.13 " EXAMPLE_ARGS),
		  "cmd_drivers/foo/bar.o := gcc -Wp,-MMD,drivers/foo/.bar.o.d "
		  "... -c -o drivers/foo/bar.o drivers/foo/bar.c\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/FOO_BAR) \\\n"
		  "    $(wildcard include/config/BAZ) \\\n"
		  "  include/linux/foo.h \\\n" EXAMPLE_TAIL);
}

Test(golden, linux_6_3_prints_savedcmd)
{
	example();
	expect_ok(fixdep("--compat=linux-6.3 " EXAMPLE_ARGS),
		  "savedcmd_drivers/foo/bar.o := gcc -Wp,-MMD,drivers/foo/"
		  ".bar.o.d ... -c -o drivers/foo/bar.o drivers/foo/bar.c\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/FOO_BAR) \\\n"
		  "    $(wildcard include/config/BAZ) \\\n"
		  "  include/linux/foo.h \\\n" EXAMPLE_TAIL);
}

Test(golden, linux_4_17_prints_split_stamps_and_extra_deps)
{
	example();
	expect_ok(fixdep_env("", "--compat=linux-4.17 -e " EXAMPLE_ARGS,
			     "KSYM_bar_export\nKSYM___clear_user\n"
			     "__kmalloc\n"),
		  "cmd_drivers/foo/bar.o := gcc -Wp,-MMD,drivers/foo/.bar.o.d "
		  "... -c -o drivers/foo/bar.o drivers/foo/bar.c\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/foo/bar.h) \\\n"
		  "    $(wildcard include/config/baz.h) \\\n"
		  "  include/linux/foo.h \\\n"
		  "    $(wildcard include/config/ksym/bar/export.h) \\\n"
		  "    $(wildcard include/config/ksym/clear/user.h) \\\n"
		  "    $(wildcard include/ksym/kmalloc.h) \\\n" EXAMPLE_TAIL);
}

Test(golden, extra_deps_are_neither_deduplicated_nor_sorted)
{
	example();
	expect_ok(fixdep_env("", "--compat=linux-4.17 -e " EXAMPLE_ARGS,
			     "b\na\nb\n"),
		  "cmd_drivers/foo/bar.o := gcc -Wp,-MMD,drivers/foo/.bar.o.d "
		  "... -c -o drivers/foo/bar.o drivers/foo/bar.c\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/foo/bar.h) \\\n"
		  "    $(wildcard include/config/baz.h) \\\n"
		  "  include/linux/foo.h \\\n"
		  "    $(wildcard include/ksym/b.h) \\\n"
		  "    $(wildcard include/ksym/a.h) \\\n"
		  "    $(wildcard include/ksym/b.h) \\\n" EXAMPLE_TAIL);
}

Test(golden, ignored_first_prerequisite_passes_the_source_role_on)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: include/generated/autoconf.h a.c b.h\n");
	tu_write("a.c", "CONFIG_A\n");
	tu_write("b.h", "CONFIG_B CONFIG_A\n");
	expect_ok(fixdep("--compat=linux-5.13 a.d a.o cc"),
		  "cmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard include/config/A) \\\n"
		  "  b.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, linux_6_3_takes_an_ignored_first_prerequisite_as_source)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: include/generated/autoconf.h a.c\n");
	tu_write("include/generated/autoconf.h", "#define CONFIG_A 1\n");
	tu_write("a.c", "CONFIG_B\n");
	expect_ok(fixdep("--compat=linux-6.3 a.d a.o cc"),
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := include/generated/autoconf.h\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard include/config/A) \\\n"
		  "  a.c \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, autoksyms_h_is_ignored_up_to_6_2_but_listed_from_6_3)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c include/generated/autoksyms.h\n");
	tu_write("a.c", "");
	tu_write("include/generated/autoksyms.h", "#define __KSYM_x 1\n");
	expect_ok(fixdep("--compat=linux-5.13 a.d a.o cc"),
		  "cmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
	expect_ok(fixdep("--compat=linux-6.3 a.d a.o cc"),
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  include/generated/autoksyms.h \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, linux_4_17_ignores_ver_files)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c a.ver b.h\n");
	tu_write("a.c", "");
	tu_write("b.h", "");
	expect_ok(fixdep("--compat=linux-4.17 a.d a.o cc"),
		  "cmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  b.h \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, linux_4_17_lists_and_scans_kconfig_h)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c include/linux/kconfig.h\n");
	tu_write("a.c", "");
	tu_write("include/linux/kconfig.h", "#ifdef CONFIG_CPU_BIG_ENDIAN\n");
	expect_ok(fixdep("--compat=linux-4.17 a.d a.o cc"),
		  "cmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  include/linux/kconfig.h \\\n"
		  "    $(wildcard include/config/cpu/big/endian.h) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

/* The DT rule concatenates the .pre.tmp and .dtc.tmp depfiles. */
#define DT_DEPFILE                                                          \
	"x.dtb.pre.tmp: x.dts a.h\n"                                        \
	"x.dtb: x.dtb.pre.tmp b.dtsi a.h\n"

Test(golden, concatenated_depfiles_scan_later_sources_up_to_6_2)
{
	free(tu_tmpdir());
	tu_write("x.d", DT_DEPFILE);
	tu_write("x.dts", "CONFIG_A\n");
	tu_write("a.h", "CONFIG_B\n");
	tu_write("x.dtb.pre.tmp", "CONFIG_C CONFIG_A\n");
	tu_write("b.dtsi", "CONFIG_D\n");
	expect_ok(fixdep("--compat=linux-5.13 x.d x.dtb dtc"),
		  "cmd_x.dtb := dtc\n\n"
		  "source_x.dtb := x.dts\n\n"
		  "deps_x.dtb := \\\n"
		  "    $(wildcard include/config/A) \\\n"
		  "  a.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "    $(wildcard include/config/C) \\\n"
		  "  b.dtsi \\\n"
		  "    $(wildcard include/config/D) \\\n"
		  "  a.h \\\n"
		  "\nx.dtb: $(deps_x.dtb)\n\n$(deps_x.dtb):\n");
}

Test(golden, concatenated_depfiles_skip_later_sources_from_6_3)
{
	free(tu_tmpdir());
	tu_write("x.d", DT_DEPFILE);
	tu_write("x.dts", "CONFIG_A\n");
	tu_write("a.h", "CONFIG_B\n");
	tu_write("b.dtsi", "CONFIG_D\n");
	/* x.dtb.pre.tmp does not exist: 6.3 neither lists nor reads it */
	expect_ok(fixdep("--compat=linux-6.3 x.d x.dtb dtc"),
		  "savedcmd_x.dtb := dtc\n\n"
		  "source_x.dtb := x.dts\n\n"
		  "deps_x.dtb := \\\n"
		  "    $(wildcard include/config/A) \\\n"
		  "  a.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "  b.dtsi \\\n"
		  "    $(wildcard include/config/D) \\\n"
		  "\nx.dtb: $(deps_x.dtb)\n\n$(deps_x.dtb):\n");
}

Test(golden, linux_6_3_lists_a_repeated_header_once)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c b.h c.h b.h a.c \\\n b.h\n\nb.h:\n");
	tu_write("a.c", "");
	tu_write("b.h", "CONFIG_B\n");
	tu_write("c.h", "");
	expect_ok(fixdep("--compat=linux-6.3 a.d a.o cc"),
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  b.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "  c.h \\\n"
		  "  a.c \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, linux_5_13_lists_a_repeated_header_each_time)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c b.h b.h\n");
	tu_write("a.c", "");
	tu_write("b.h", "CONFIG_B\n");
	expect_ok(fixdep("--compat=linux-5.13 a.d a.o cc"),
		  "cmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  b.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "  b.h \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, linux_6_3_lists_rust_libraries_without_reading_them)
{
	free(tu_tmpdir());
	tu_write("a.d", "# rustc dep-info\na.o: a.rs libcore.rlib "
			"libcore.rmeta libmacros.so\n\na.rs:\n");
	tu_write("a.rs", "// CONFIG_R\n");
	expect_ok(fixdep("--compat=linux-6.3 a.d a.o rustc"),
		  "savedcmd_a.o := rustc\n\n"
		  "source_a.o := a.rs\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard include/config/R) \\\n"
		  "  libcore.rlib \\\n"
		  "  libcore.rmeta \\\n"
		  "  libmacros.so \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, linux_5_13_reads_rust_libraries)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.rs libcore.rlib\n");
	tu_write("a.rs", "");
	expect_fail(fixdep("--compat=linux-5.13 a.d a.o rustc"), 2,
		    "fixdep: error opening file: libcore.rlib: "
		    "No such file or directory\n");
}

Test(golden, kbuild_dialect_makes_a_spaced_target_a_dependency)
{
	free(tu_tmpdir());
	tu_write("a.d", "x y: a.c b.h\n");
	tu_write("x", "CONFIG_X\n");
	tu_write("a.c", "");
	tu_write("b.h", "");
	expect_ok(fixdep("--compat=linux-5.13 a.d x cc"),
		  "cmd_x := cc\n\n"
		  "  x \\\n"
		  "    $(wildcard include/config/X) \\\n"
		  "source_x := a.c\n\n"
		  "deps_x := \\\n"
		  "  b.h \\\n"
		  "\nx: $(deps_x)\n\n$(deps_x):\n");
}

Test(golden, cmdline_and_target_are_printed_verbatim)
{
	free(tu_tmpdir());
	tu_write("a.d", "a%s.o: a.c\n");
	tu_write("a.c", "");
	expect_ok(fixdep("--compat=linux-6.3 a.d 'a%s.o' "
			 "'echo '\\''$$x'\\'' $(pound) %d'"),
		  "savedcmd_a%s.o := echo '$$x' $(pound) %d\n\n"
		  "source_a%s.o := a.c\n\n"
		  "deps_a%s.o := \\\n"
		  "\na%s.o: $(deps_a%s.o)\n\n$(deps_a%s.o):\n");
}

Test(golden, config_dir_and_layout_options_change_the_stamps)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c\n");
	tu_write("a.c", "CONFIG_FOO_BAR\n");
	expect_ok(fixdep("--compat=linux-6.3 --layout=split "
			 "--config-dir=kc a.d a.o cc"),
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard kc/foo/bar.h) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

Test(golden, prefix_option_scans_for_other_prefixes)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c\n");
	tu_write("a.c", "ENABLE_FOO IF_NOT_BAR(x) CONFIG_NO\n");
	expect_ok(fixdep("--compat=linux-6.3 --prefix=ENABLE_ --prefix=IF_ "
			 "--prefix=IF_NOT_ a.d a.o cc"),
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard include/config/FOO) \\\n"
		  "    $(wildcard include/config/BAR) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
}

/* ---- -e ---- */

Test(extradeps, line_without_newline_is_bad_data)
{
	example();
	expect_fail(fixdep_env("", "--compat=linux-4.17 -e " EXAMPLE_ARGS,
			       "KSYM_a\nKSYM_b"),
		    1, "fixdep: bad data on stdin\n");
}

Test(extradeps, empty_line_is_bad_data)
{
	example();
	expect_fail(fixdep_env("", "--compat=linux-4.17 -e " EXAMPLE_ARGS,
			       "KSYM_a\n\n"),
		    1, "fixdep: bad data on stdin\n");
}

Test(extradeps, path_characters_are_bad_data)
{
	example();
	expect_fail(fixdep_env("", "--compat=linux-4.17 -e " EXAMPLE_ARGS,
			       "../x\n"),
		    1, "fixdep: bad data on stdin\n");
}

Test(extradeps, is_refused_by_profiles_without_it)
{
	example();
	struct res r = fixdep_env("", "--compat=linux-5.13 -e " EXAMPLE_ARGS,
				  "KSYM_a\n");

	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(r.out, "");
	cr_assert_neq(r.err[0], '\0');
	resfree(&r);
}

/* ---- errors ---- */

Test(errors, no_arguments_is_usage)
{
	struct res r = fixdep("");

	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(r.out, "");
	cr_assert(strncmp(r.err, "Usage: fixdep ", 14) == 0, "%s", r.err);
	resfree(&r);
}

Test(errors, two_or_four_operands_is_usage)
{
	struct res r = fixdep("a b");

	cr_assert_eq(r.rc, 1);
	cr_assert(strncmp(r.err, "Usage: fixdep ", 14) == 0, "%s", r.err);
	resfree(&r);
	r = fixdep("a b c d");
	cr_assert_eq(r.rc, 1);
	cr_assert(strncmp(r.err, "Usage: fixdep ", 14) == 0, "%s", r.err);
	resfree(&r);
}

Test(errors, unknown_option_is_usage)
{
	struct res r = fixdep("--bogus a b c");

	cr_assert_eq(r.rc, 1);
	cr_assert_not_null(strstr(r.err, "--bogus"), "%s", r.err);
	resfree(&r);
}

Test(errors, bad_layout_exits_1)
{
	example();
	struct res r = fixdep("--layout=tree " EXAMPLE_ARGS);

	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(r.out, "");
	cr_assert_not_null(strstr(r.err, "stamp layout must be flat or split"),
			   "%s", r.err);
	resfree(&r);
}

Test(errors, o_without_a_file_is_usage)
{
	struct res r = fixdep("a b c -o");

	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(r.out, "");
	resfree(&r);
	r = fixdep("-o");
	cr_assert_eq(r.rc, 1);
	cr_assert_not_null(strstr(r.err, "Usage: fixdep"), "%s", r.err);
	resfree(&r);
}

Test(errors, missing_depfile_exits_2_naming_it)
{
	free(tu_tmpdir());
	expect_fail(fixdep("--compat=linux-6.3 nodep.d a.o cc"), 2,
		    "fixdep: error opening file: nodep.d: "
		    "No such file or directory\n");
}

Test(errors, missing_header_exits_2_naming_it)
{
	example();
	unlink("include/linux/foo.h");
	expect_fail(fixdep("--compat=linux-5.13 " EXAMPLE_ARGS), 2,
		    "fixdep: error opening file: include/linux/foo.h: "
		    "No such file or directory\n");
}

Test(errors, empty_depfile_has_no_targets)
{
	free(tu_tmpdir());
	tu_write("a.d", "");
	expect_fail(fixdep("--compat=linux-5.13 a.d a.o cc"), 1,
		    "fixdep: parse error; no targets found\n");
	expect_fail(fixdep("--compat=linux-6.3 a.d a.o cc"), 1,
		    "fixdep: parse error; no targets found\n");
}

Test(errors, depfile_without_a_source_has_no_targets)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o:\n");
	expect_fail(fixdep("--compat=linux-6.3 a.d a.o cc"), 1,
		    "fixdep: parse error; no targets found\n");
}

Test(errors, directory_as_dependency_exits_2_naming_it)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c include\n");
	tu_write("a.c", "");
	cr_assert_eq(mkdir("include", 0755), 0);
	expect_fail(fixdep("--compat=linux-6.3 a.d a.o cc"), 2,
		    "fixdep: error reading file: include: Is a directory\n");
}

Test(errors, fifo_as_dependency_fails_without_waiting, .timeout = 20)
{
	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c pipe\n");
	tu_write("a.c", "");
	cr_assert_eq(mkfifo("pipe", 0644), 0);
	expect_fail(fixdep("--compat=linux-6.3 a.d a.o cc"), 2,
		    "fixdep: error reading file: pipe: not a regular file\n");
}

Test(errors, unknown_compat_profile_exits_1)
{
	example();
	struct res r = fixdep("--compat=linux-9.9 " EXAMPLE_ARGS);

	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(r.out, "");
	cr_assert_not_null(strstr(r.err, "linux-9.9"), "%s", r.err);
	resfree(&r);
}

Test(errors, unknown_compat_from_the_environment_exits_1)
{
	example();
	struct res r = fixdep_env("KDEP_COMPAT=linux-2.6", EXAMPLE_ARGS, NULL);

	cr_assert_eq(r.rc, 1);
	cr_assert_not_null(strstr(r.err, "linux-2.6"), "%s", r.err);
	resfree(&r);
}

Test(errors, failure_prints_nothing_on_stdout)
{
	example();
	unlink("include/linux/foo.h");
	struct res r = fixdep("--compat=linux-5.13 " EXAMPLE_ARGS);

	cr_assert_eq(r.rc, 2);
	cr_assert_str_eq(r.out, "");
	resfree(&r);
}

Test(errors, full_output_device_exits_1)
{
	example();
	struct res r = fixdep("--compat=linux-6.3 " EXAMPLE_ARGS
			      " >/dev/full");

	expect_fail(r, 1, "fixdep: not all data was written to the output\n");
}

/* ---- -o ---- */

/* The names in the current folder that start with prefix, joined. */
static char *names(const char *prefix)
{
	struct kdep_buf b = {0};
	struct dirent *de;
	DIR *d = opendir(".");

	cr_assert_not_null(d);
	cr_assert_eq(kdep_bufputs(&b, ""), 0);
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			cr_assert_eq(kdep_bufprintf(&b, "%s ", de->d_name), 0);
	closedir(d);
	return b.data;
}

Test(output, o_writes_what_stdout_would_get)
{
	struct res r;
	char *want, *got, *ls;

	example();
	r = fixdep("--compat=linux-6.3 " EXAMPLE_ARGS);
	cr_assert_eq(r.rc, 0);
	want = r.out;
	free(r.err);
	r = fixdep("--compat=linux-6.3 -o .bar.o.cmd " EXAMPLE_ARGS);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "");
	got = tu_read(".bar.o.cmd", NULL);
	cr_assert_not_null(got);
	cr_assert_str_eq(got, want);
	ls = names(".bar.o.cmd");
	cr_assert_str_eq(ls, ".bar.o.cmd ", "temporary files left: %s", ls);
	free(ls);
	free(got);
	free(want);
	resfree(&r);
}

Test(output, o_replaces_the_old_file_by_rename)
{
	struct stat before, after;

	example();
	tu_write(".bar.o.cmd", "old\n");
	cr_assert_eq(stat(".bar.o.cmd", &before), 0);
	expect_ok(fixdep("--compat=linux-6.3 -o .bar.o.cmd " EXAMPLE_ARGS),
		  "");
	cr_assert_eq(stat(".bar.o.cmd", &after), 0);
	/* a new inode: readers of the old file never see a torn one */
	cr_assert_neq(before.st_ino, after.st_ino);
	cr_assert_eq(after.st_mode & 0777, 0644);
}

Test(output, o_keeps_the_old_file_on_failure)
{
	char *got, *ls;
	struct res r;

	example();
	tu_write(".bar.o.cmd", "old\n");
	unlink("include/linux/foo.h");
	r = fixdep("--compat=linux-6.3 -o .bar.o.cmd " EXAMPLE_ARGS);
	cr_assert_eq(r.rc, 2);
	resfree(&r);
	got = tu_read(".bar.o.cmd", NULL);
	cr_assert_str_eq(got, "old\n");
	ls = names(".bar.o.cmd");
	cr_assert_str_eq(ls, ".bar.o.cmd ", "temporary files left: %s", ls);
	free(ls);
	free(got);
}

Test(output, o_into_a_missing_folder_exits_1)
{
	example();
	struct res r = fixdep("--compat=linux-6.3 -o no/such/x.cmd "
			      EXAMPLE_ARGS);

	cr_assert_eq(r.rc, 1);
	cr_assert_not_null(strstr(r.err, "no/such/x.cmd"), "%s", r.err);
	resfree(&r);
}

/* ---- profile selection ---- */

/* The first word fixdep prints, "cmd_..." or "savedcmd_...". */
static char *cmdvar_of_run(const char *env, const char *opts)
{
	char *args;
	struct res r;

	cr_assert(asprintf(&args, "%s " EXAMPLE_ARGS, opts) > 0);
	r = fixdep_env(env, args, NULL);
	free(args);
	char *sp;

	cr_assert_eq(r.rc, 0, "%s", r.err);
	sp = strchr(r.out, ' ');
	cr_assert_not_null(sp);
	*sp = '\0';
	free(r.err);
	return r.out;
}

static void kernelmakefile(int version, int patchlevel)
{
	char text[128];

	snprintf(text, sizeof(text),
		 "# SPDX-License-Identifier: GPL-2.0\nVERSION = %d\n"
		 "PATCHLEVEL = %d\nSUBLEVEL = 0\nEXTRAVERSION =\n",
		 version, patchlevel);
	tu_write("Makefile", text);
}

Test(select, kernel_makefile_picks_the_profile)
{
	char *v;

	example();
	kernelmakefile(6, 1);
	v = cmdvar_of_run("", "");
	cr_assert_str_eq(v, "cmd_drivers/foo/bar.o");
	free(v);
	kernelmakefile(6, 12);
	v = cmdvar_of_run("", "");
	cr_assert_str_eq(v, "savedcmd_drivers/foo/bar.o");
	free(v);
}

Test(select, kernel_5_12_gets_split_stamps)
{
	struct res r;

	example();
	kernelmakefile(5, 12);
	r = fixdep(EXAMPLE_ARGS);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "include/config/foo/bar.h"), "%s",
			   r.out);
	resfree(&r);
}

Test(select, no_makefile_means_the_newest)
{
	char *v;

	example();
	v = cmdvar_of_run("", "");
	cr_assert_str_eq(v, "savedcmd_drivers/foo/bar.o");
	free(v);
}

Test(select, other_makefile_means_the_newest)
{
	char *v;

	example();
	tu_write("Makefile", "all:\n\techo VERSION = 5\n");
	v = cmdvar_of_run("", "");
	cr_assert_str_eq(v, "savedcmd_drivers/foo/bar.o");
	free(v);
}

/*
 * O=build: kbuild writes "include $(srctree)/Makefile" into build/, with
 * srctree ".." or an absolute path; fixdep runs in build/.
 */
static void outoftree(int absolute)
{
	char *cwd, *inc, *text;

	free(tu_tmpdir());
	cwd = getcwd(NULL, 0);
	cr_assert_not_null(cwd);
	cr_assert(asprintf(&inc, "%s/Makefile", absolute ? cwd : "..") > 0);
	cr_assert(asprintf(&text,
			   "# Automatically generated by %s: don't edit\n"
			   "include %s\n",
			   inc, inc) > 0);
	tu_write("Makefile", "VERSION = 6\nPATCHLEVEL = 1\n");
	tu_write("build/Makefile", text);
	cr_assert_eq(chdir("build"), 0);
	tu_write("a.d", "a.o: a.c\n");
	tu_write("a.c", "");
	free(text);
	free(inc);
	free(cwd);
}

Test(select, output_folder_makefile_leads_to_the_source_tree)
{
	struct res r;

	outoftree(0);
	r = fixdep("a.d a.o cc");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "cmd_a.o := cc\n", 14) == 0, "%s", r.out);
	resfree(&r);
}

Test(select, absolute_include_is_followed_too)
{
	struct res r;

	outoftree(1);
	r = fixdep("a.d a.o cc");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "cmd_a.o := cc\n", 14) == 0, "%s", r.out);
	resfree(&r);
}

Test(select, environment_beats_the_makefile)
{
	char *v;

	example();
	kernelmakefile(6, 12);
	v = cmdvar_of_run("KDEP_COMPAT=linux-5.13", "");
	cr_assert_str_eq(v, "cmd_drivers/foo/bar.o");
	free(v);
}

Test(select, option_beats_the_environment)
{
	char *v;

	example();
	v = cmdvar_of_run("KDEP_COMPAT=linux-5.13", "--compat=linux-6.3");
	cr_assert_str_eq(v, "savedcmd_drivers/foo/bar.o");
	free(v);
}

Test(select, profile_for_maps_versions_to_eras)
{
	cr_assert_str_eq(kdep_profile_for(4, 14)->name, "linux-4.17");
	cr_assert_str_eq(kdep_profile_for(5, 12)->name, "linux-4.17");
	cr_assert_str_eq(kdep_profile_for(5, 13)->name, "linux-5.13");
	cr_assert_str_eq(kdep_profile_for(6, 2)->name, "linux-5.13");
	cr_assert_str_eq(kdep_profile_for(6, 3)->name, "linux-6.3");
	cr_assert_str_eq(kdep_profile_for(7, 0)->name, "linux-6.3");
	cr_assert_str_eq(kdep_profile_for(0, 0)->name, "linux-6.3");
}

Test(select, profiles_are_listed_oldest_first_and_found_by_name)
{
	const struct kdep_profile *const *all = kdep_profiles();

	cr_assert_str_eq(all[0]->name, "linux-4.17");
	cr_assert_str_eq(all[1]->name, "linux-5.13");
	cr_assert_str_eq(all[2]->name, "linux-6.3");
	cr_assert_null(all[3]);
	cr_assert_eq(kdep_profile("linux-5.13"), all[1]);
	cr_assert_null(kdep_profile("linux-5.14"));
}

Test(select, kernelversion_reads_version_and_patchlevel)
{
	int v = -1, p = -1;

	free(tu_tmpdir());
	tu_write("Makefile", "VERSION = 4\nPATCHLEVEL=19\n");
	cr_assert_eq(kdep_kernelversion("Makefile", &v, &p), 0);
	cr_assert_eq(v, 4);
	cr_assert_eq(p, 19);
	tu_write("Makefile", "VERSION = 4\n");
	cr_assert_eq(kdep_kernelversion("Makefile", &v, &p), KDEP_EDATA);
	cr_assert_eq(kdep_kernelversion("nope", &v, &p), KDEP_ENOENT);
}

/* A Makefile with text at offset at, after one long comment line. */
static void makefileat(const char *text, size_t at)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_bufputs(&b, "# "), 0);
	while (b.len < at - 1)
		cr_assert_eq(kdep_bufputs(&b, "x"), 0);
	cr_assert_eq(kdep_bufputs(&b, "\n"), 0);
	cr_assert_eq(kdep_bufputs(&b, text), 0);
	tu_write("Makefile", b.data);
	kdep_buffree(&b);
}

Test(select, kernelversion_found_past_the_first_4k)
{
	int v = -1, p = -1;

	free(tu_tmpdir());
	makefileat("VERSION = 5\nPATCHLEVEL = 13\n", 10000);
	cr_assert_eq(kdep_kernelversion("Makefile", &v, &p), 0);
	cr_assert_eq(v, 5);
	cr_assert_eq(p, 13);
}

/* The head read stops at 4096 bytes: a number cut there is not taken. */
Test(select, kernelversion_number_cut_by_the_head_read_is_read_whole)
{
	int v = -1, p = -1;

	free(tu_tmpdir());
	/* "PATCHLEVEL = 1" ends at byte 4096, its "2" is byte 4097 */
	makefileat("VERSION = 6\nPATCHLEVEL = 12\n", 4096 - 26);
	cr_assert_eq(kdep_kernelversion("Makefile", &v, &p), 0);
	cr_assert_eq(v, 6);
	cr_assert_eq(p, 12);
}

/* ---- the library entry point ---- */

struct seenlog {
	struct kdep_buf b;
};

static int logseen(void *ctx, const struct kdep_seen *s)
{
	struct seenlog *l = ctx;
	const char *k = s->kind == KDEP_SEEN_SOURCE ? "src"
			: s->kind == KDEP_SEEN_DEP  ? "dep"
						    : "stamp";

	return kdep_bufprintf(&l->b, "%s:%s:%s ", k, s->path,
			      s->st ? "read" : "-");
}

Test(library, seen_callback_reports_files_and_stamps_in_order)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};
	struct seenlog log = {{0}};

	example();
	f.prof = kdep_profile("linux-6.3");
	f.depfile = "drivers/foo/.bar.o.d";
	f.target = "drivers/foo/bar.o";
	f.cmdline = "cc";
	f.seen = logseen;
	f.seenctx = &log;
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	cr_assert_str_eq(log.b.data,
			 "src:drivers/foo/bar.c:read "
			 "stamp:include/config/FOO_BAR:- "
			 "stamp:include/config/BAZ:- "
			 "dep:include/linux/foo.h:read ");
	kdep_buffree(&out);
	kdep_buffree(&log.b);
}

Test(library, output_is_appended_to_the_buffer)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};

	free(tu_tmpdir());
	tu_write("a.d", "a.o: a.c\n");
	tu_write("a.c", "");
	f.prof = kdep_profile("linux-6.3");
	f.depfile = "a.d";
	f.target = "a.o";
	f.cmdline = "cc";
	cr_assert_eq(kdep_bufputs(&out, "# head\n"), 0);
	cr_assert_eq(kdep_fixdep(&f, &out), 0);
	cr_assert_str_eq(out.data, "# head\nsavedcmd_a.o := cc\n\n"
				   "source_a.o := a.c\n\n"
				   "deps_a.o := \\\n"
				   "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n");
	kdep_buffree(&out);
}

Test(library, error_codes_map_to_upstream_exit_codes)
{
	cr_assert_eq(kdep_exitcode(KDEP_EDATA), 1);
	cr_assert_eq(kdep_exitcode(KDEP_EIO), 2);
	cr_assert_eq(kdep_exitcode(KDEP_ENOENT), 2);
	cr_assert_eq(kdep_exitcode(KDEP_ENOMEM), 1);
	cr_assert_eq(kdep_exitcode(KDEP_EWRITE), 1);
}
