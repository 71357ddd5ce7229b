/* kconfig_test.c - .config parsing, auto.conf/autoconf.h, stamp sync. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kdep.h"
#include "testutil.h"

/* ---- parsing ------------------------------------------------------------ */

static struct kdep_config *cfg;

static void parse(const char *text)
{
	kdep_config_free(cfg);
	cr_assert_eq(kdep_config_parsemem("t.config", text, strlen(text), &cfg),
		     0, "%s", kdep_errmsg());
}

/* Parsing text fails with KDEP_EDATA and exactly message msg. */
static void parsefails(const char *text, const char *msg)
{
	kdep_config_free(cfg);
	cr_assert_eq(kdep_config_parsemem("t.config", text, strlen(text), &cfg),
		     KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(), msg);
	cr_assert_null(cfg, "a failed parse hands out no config");
}

static const struct kdep_confsym *sym(const char *name)
{
	const struct kdep_confsym *s = kdep_config_find(cfg, name);

	cr_assert_not_null(s, "no symbol %s", name);
	return s;
}

static void freecfg(void)
{
	kdep_config_free(cfg);
	cfg = NULL;
}

TestSuite(kconfig_parse, .fini = freecfg);

Test(kconfig_parse, y_and_m_are_tristate_values)
{
	parse("CONFIG_A=y\nCONFIG_B=m\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_Y);
	cr_assert_str_eq(sym("A")->val, "y");
	cr_assert_eq(sym("B")->kind, KDEP_CONF_M);
	cr_assert_str_eq(sym("B")->val, "m");
}

Test(kconfig_parse, is_not_set_comment_is_n)
{
	parse("# CONFIG_A is not set\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_N);
	cr_assert_str_eq(sym("A")->val, "n");
}

Test(kconfig_parse, equals_n_is_n)
{
	parse("CONFIG_A=n\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_N);
}

Test(kconfig_parse, decimal_ints_with_optional_minus)
{
	parse("CONFIG_A=123\nCONFIG_B=-5\nCONFIG_C=0\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_NUM);
	cr_assert_str_eq(sym("A")->val, "123");
	cr_assert_eq(sym("B")->kind, KDEP_CONF_NUM);
	cr_assert_str_eq(sym("B")->val, "-5");
	cr_assert_eq(sym("C")->kind, KDEP_CONF_NUM);
}

Test(kconfig_parse, hex_with_0x_keeps_its_spelling)
{
	parse("CONFIG_A=0x1f\nCONFIG_B=0XAbC\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_NUM);
	cr_assert_str_eq(sym("A")->val, "0x1f");
	cr_assert_eq(sym("B")->kind, KDEP_CONF_NUM);
	cr_assert_str_eq(sym("B")->val, "0XAbC");
}

Test(kconfig_parse, quoted_string_is_unescaped)
{
	parse("CONFIG_S=\"a \\\"b\\\" \\\\c\"\n");
	cr_assert_eq(sym("S")->kind, KDEP_CONF_STR);
	cr_assert_str_eq(sym("S")->val, "a \"b\" \\c");
}

Test(kconfig_parse, backslash_takes_any_next_byte_literally)
{
	parse("CONFIG_S=\"\\n\\x\"\n");
	cr_assert_str_eq(sym("S")->val, "nx");
}

Test(kconfig_parse, empty_quoted_string)
{
	parse("CONFIG_S=\"\"\n");
	cr_assert_eq(sym("S")->kind, KDEP_CONF_STR);
	cr_assert_str_eq(sym("S")->val, "");
}

Test(kconfig_parse, quoted_number_or_y_stays_a_string)
{
	parse("CONFIG_A=\"12\"\nCONFIG_B=\"y\"\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_STR);
	cr_assert_eq(sym("B")->kind, KDEP_CONF_STR);
	cr_assert_str_eq(sym("B")->val, "y");
}

Test(kconfig_parse, unquoted_text_is_a_raw_string)
{
	parse("CONFIG_S=hello \"big\" world\\\n");
	cr_assert_eq(sym("S")->kind, KDEP_CONF_STR);
	cr_assert_str_eq(sym("S")->val, "hello \"big\" world\\");
}

Test(kconfig_parse, empty_unquoted_value_is_an_empty_string)
{
	parse("CONFIG_S=\n");
	cr_assert_eq(sym("S")->kind, KDEP_CONF_STR);
	cr_assert_str_eq(sym("S")->val, "");
}

Test(kconfig_parse, hex_without_0x_reads_as_a_string)
{
	parse("CONFIG_A=1f00\nCONFIG_B=0x\nCONFIG_C=-\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_STR);
	cr_assert_eq(sym("B")->kind, KDEP_CONF_STR);
	cr_assert_eq(sym("C")->kind, KDEP_CONF_STR);
}

Test(kconfig_parse, comments_and_blank_lines_are_ignored)
{
	parse("#\n# CONFIG_A=y\n#CONFIG_B is not set\n\n   \n\t# note\n"
	      "# CONFIG_C is not set, really\nCONFIG_D=y\n");
	cr_assert_eq(kdep_config_count(cfg), 1);
	cr_assert_str_eq(kdep_config_sym(cfg, 0)->name, "D");
}

Test(kconfig_parse, trailing_blanks_and_cr_are_ignored)
{
	parse("CONFIG_A=y \t\r\nCONFIG_S=\"x \" \r\n# CONFIG_B is not set  \n");
	cr_assert_str_eq(sym("A")->val, "y");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_Y);
	cr_assert_str_eq(sym("S")->val, "x ");
	cr_assert_eq(sym("B")->kind, KDEP_CONF_N);
}

Test(kconfig_parse, last_line_without_newline)
{
	parse("CONFIG_A=y\nCONFIG_B=m");
	cr_assert_eq(sym("B")->kind, KDEP_CONF_M);
}

Test(kconfig_parse, symbols_keep_input_order_n_included)
{
	parse("CONFIG_Z=y\n# CONFIG_A is not set\nCONFIG_M=1\n");
	cr_assert_eq(kdep_config_count(cfg), 3);
	cr_assert_str_eq(kdep_config_sym(cfg, 0)->name, "Z");
	cr_assert_str_eq(kdep_config_sym(cfg, 1)->name, "A");
	cr_assert_str_eq(kdep_config_sym(cfg, 2)->name, "M");
}

Test(kconfig_parse, later_assignment_wins_in_the_first_place)
{
	parse("CONFIG_A=y\nCONFIG_B=y\n# CONFIG_A is not set\nCONFIG_A=m\n");
	cr_assert_eq(kdep_config_count(cfg), 2);
	cr_assert_str_eq(kdep_config_sym(cfg, 0)->name, "A");
	cr_assert_eq(kdep_config_sym(cfg, 0)->kind, KDEP_CONF_M);
	cr_assert_eq(kdep_config_sym(cfg, 0)->line, 4);
}

Test(kconfig_parse, lines_are_counted_from_one)
{
	parse("#\n\nCONFIG_A=y\n");
	cr_assert_eq(sym("A")->line, 3);
}

Test(kconfig_parse, title_comes_from_kconfigs_heading)
{
	parse("#\n# Automatically generated file; DO NOT EDIT.\n"
	      "# My Project 1.0 Configuration\n#\nCONFIG_A=y\n");
	cr_assert_str_eq(kdep_config_title(cfg), "My Project 1.0 Configuration");
}

Test(kconfig_parse, no_title_without_heading)
{
	parse("# My Project\nCONFIG_A=y\n");
	cr_assert_null(kdep_config_title(cfg));
}

Test(kconfig_parse, heading_after_an_assignment_gives_no_title)
{
	parse("CONFIG_A=y\n# Automatically generated file; DO NOT EDIT.\n"
	      "# Title\n");
	cr_assert_null(kdep_config_title(cfg));
}

Test(kconfig_parse, find_of_an_unknown_name_is_null)
{
	parse("CONFIG_A=y\n");
	cr_assert_null(kdep_config_find(cfg, "B"));
	cr_assert_null(kdep_config_find(cfg, "CONFIG_A"));
}

Test(kconfig_parse, many_symbols_are_all_found)
{
	struct kdep_buf b = {0};
	char name[32];
	int i;

	for (i = 0; i < 5000; i++)
		cr_assert_eq(kdep_bufprintf(&b, "CONFIG_S%d=%d\n", i, i), 0);
	cr_assert_eq(kdep_config_parsemem("big", b.data, b.len, &cfg), 0);
	cr_assert_eq(kdep_config_count(cfg), 5000);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "S%d", i);
		cr_assert_eq(sym(name), kdep_config_sym(cfg, i));
	}
	kdep_buffree(&b);
}

Test(kconfig_parse, error_other_text_names_file_and_line)
{
	parsefails("CONFIG_A=y\nFOO=y\n",
		   "t.config:2: expected CONFIG_NAME=value, "
		   "\"# CONFIG_NAME is not set\" or a comment");
}

Test(kconfig_parse, indented_assignment_is_ignored_and_counted)
{
	unsigned first;

	parse("CONFIG_A=y\n  CONFIG_B=y\n\tCONFIG_C=m\nCONFIG_D=m\n");
	cr_assert_eq(kdep_config_count(cfg), 2);
	cr_assert_null(kdep_config_find(cfg, "B"));
	cr_assert_null(kdep_config_find(cfg, "C"));
	cr_assert_eq(kdep_config_ignored(cfg, &first), 2);
	cr_assert_eq(first, 2);
}

Test(kconfig_parse, indented_not_set_comment_is_ignored_and_counted)
{
	unsigned first;

	parse("CONFIG_A=y\n  # CONFIG_A is not set\n");
	cr_assert_eq(sym("A")->kind, KDEP_CONF_Y);
	cr_assert_eq(kdep_config_ignored(cfg, &first), 1);
	cr_assert_eq(first, 2);
}

Test(kconfig_parse, lines_of_blanks_only_are_not_counted_as_ignored)
{
	parse(" \n\t\r\nCONFIG_A=y\n");
	cr_assert_eq(kdep_config_ignored(cfg, NULL), 0);
}

Test(kconfig_parse, error_missing_equals)
{
	parsefails("\nCONFIG_A\n", "t.config:2: expected CONFIG_NAME=value");
}

Test(kconfig_parse, error_bad_symbol_name)
{
	parsefails("CONFIG_A-B=y\n", "t.config:1: bad symbol name");
}

Test(kconfig_parse, error_empty_symbol_name)
{
	parsefails("CONFIG_=y\n", "t.config:1: bad symbol name");
}

Test(kconfig_parse, error_unterminated_string)
{
	parsefails("CONFIG_S=\"abc\n", "t.config:1: unterminated string");
}

Test(kconfig_parse, error_string_ending_in_an_escaped_quote)
{
	parsefails("CONFIG_S=\"abc\\\"\n", "t.config:1: unterminated string");
}

Test(kconfig_parse, error_text_after_the_closing_quote)
{
	parsefails("CONFIG_S=\"a\"b\n",
		   "t.config:1: text after the closing quote");
}

Test(kconfig_parse, a_null_config_reads_as_empty)
{
	unsigned first = 9;

	cr_assert_eq(kdep_config_count(NULL), 0);
	cr_assert_null(kdep_config_sym(NULL, 0));
	cr_assert_null(kdep_config_find(NULL, "A"));
	cr_assert_null(kdep_config_title(NULL));
	cr_assert_eq(kdep_config_ignored(NULL, &first), 0);
	cr_assert_eq(first, 0);
}

Test(kconfig_parse, symbols_past_the_end_are_null)
{
	parse("CONFIG_A=y\n");
	cr_assert_not_null(kdep_config_sym(cfg, 0));
	cr_assert_null(kdep_config_sym(cfg, 1));
}

Test(kconfig_parse, error_nul_byte)
{
	static const char text[] = "CONFIG_A=y\nCONFIG_B=\0y\n";

	cr_assert_eq(kdep_config_parsemem("t.config", text, sizeof(text) - 1,
					  &cfg),
		     KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(), "t.config:2: NUL byte");
}

/* ---- files ---------------------------------------------------------------- */

static void rmtmp(void)
{
	kdep_config_free(cfg);
	cfg = NULL;
	tu_outtmp();
}

TestSuite(kconfig_file, .init = tu_intmp, .fini = rmtmp);

Test(kconfig_file, parse_reads_a_file_and_names_it_in_errors)
{
	tu_write("my.config", "CONFIG_A=y\nbad\n");
	cr_assert_eq(kdep_config_parse("my.config", &cfg), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(),
			 "my.config:2: expected CONFIG_NAME=value, "
			 "\"# CONFIG_NAME is not set\" or a comment");
}

Test(kconfig_file, missing_file_is_an_io_error)
{
	cr_assert_eq(kdep_config_parse("nope.config", &cfg), KDEP_ENOENT);
	cr_assert(strstr(kdep_errmsg(), "nope.config"));
}

Test(kconfig_file, autoconf_lists_set_symbols_in_order_after_heading)
{
	struct kdep_buf b = {0};

	parse("#\n# Automatically generated file; DO NOT EDIT.\n# T\n#\n"
	      "CONFIG_Y=y\n# CONFIG_N is not set\nCONFIG_M=m\nCONFIG_I=-3\n"
	      "CONFIG_H=0x10\nCONFIG_S=\"a\\\"b\\\\\"\nCONFIG_R=raw\n");
	cr_assert_eq(kdep_config_autoconf(cfg, &b), 0);
	cr_assert_str_eq(b.data, "#\n"
				 "# Automatically generated file; DO NOT EDIT.\n"
				 "# T\n"
				 "#\n"
				 "CONFIG_Y=y\n"
				 "CONFIG_M=m\n"
				 "CONFIG_I=-3\n"
				 "CONFIG_H=0x10\n"
				 "CONFIG_S=\"a\\\"b\\\\\"\n"
				 "CONFIG_R=\"raw\"\n");
	kdep_buffree(&b);
}

Test(kconfig_file, autoheader_defines_like_kconfig)
{
	struct kdep_buf b = {0};

	parse("CONFIG_Y=y\n# CONFIG_N is not set\nCONFIG_M=m\nCONFIG_I=-3\n"
	      "CONFIG_H=0x10\nCONFIG_S=\"a\\\"b\\\\\"\n");
	cr_assert_eq(kdep_config_autoheader(cfg, &b), 0);
	cr_assert_str_eq(b.data, "/*\n"
				 " * Automatically generated file; DO NOT EDIT.\n"
				 " */\n"
				 "#define CONFIG_Y 1\n"
				 "#define CONFIG_M_MODULE 1\n"
				 "#define CONFIG_I -3\n"
				 "#define CONFIG_H 0x10\n"
				 "#define CONFIG_S \"a\\\"b\\\\\"\n");
	kdep_buffree(&b);
}

Test(kconfig_file, autoconf_reads_back_to_the_same_values)
{
	struct kdep_buf b = {0};
	struct kdep_config *back;
	size_t i;

	parse("CONFIG_A=y\nCONFIG_B=m\nCONFIG_C=\"x\\\\\\\"\"\nCONFIG_D=0x1\n"
	      "CONFIG_E=\"12\"\nCONFIG_F=\n");
	cr_assert_eq(kdep_config_autoconf(cfg, &b), 0);
	cr_assert_eq(kdep_config_parsemem("auto.conf", b.data, b.len, &back),
		     0);
	cr_assert_eq(kdep_config_count(back), kdep_config_count(cfg));
	for (i = 0; i < kdep_config_count(cfg); i++) {
		cr_assert_str_eq(kdep_config_sym(back, i)->name, kdep_config_sym(cfg, i)->name);
		cr_assert_str_eq(kdep_config_sym(back, i)->val, kdep_config_sym(cfg, i)->val);
		cr_assert_eq(kdep_config_sym(back, i)->kind, kdep_config_sym(cfg, i)->kind);
	}
	kdep_config_free(back);
	kdep_buffree(&b);
}

/* ---- sync ------------------------------------------------------------------ */

#define OLD 1000000000LL /* an mtime long before any test runs */

static struct kdep_syncstats st;

/* Sync new.config into include/config (layout), autoconf.h alongside. */
static void syncl(const char *text, enum kdep_layout layout)
{
	struct kdep_syncopts o = {"new.config", NULL, "autoconf.h", layout};

	tu_write("new.config", text);
	cr_assert_eq(kdep_syncconfig(&o, &st), 0, "%s", kdep_errmsg());
}

static void sync_(const char *text)
{
	syncl(text, KDEP_SPLIT);
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static long long mtime(const char *path)
{
	struct stat sb;

	cr_assert_eq(stat(path, &sb), 0, "no %s", path);
	return (long long)sb.st_mtim.tv_sec;
}

static void content(const char *path, const char *want)
{
	char *got = tu_read(path, NULL);

	cr_assert_not_null(got, "no %s", path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

/* Age every file sync wrote so that a rewrite shows in its mtime. */
static void age(const char *const *paths)
{
	for (; *paths; paths++)
		tu_setmtime(*paths, OLD, 0);
}

Test(kconfig_file, first_sync_stamps_every_set_symbol)
{
	sync_("CONFIG_A=y\nCONFIG_B=m\nCONFIG_C=5\nCONFIG_D=\"d\"\n");
	content("include/config/a.h", "CONFIG_A=y\n");
	content("include/config/b.h", "CONFIG_B=m\n");
	content("include/config/c.h", "CONFIG_C=5\n");
	content("include/config/d.h", "CONFIG_D=\"d\"\n");
	cr_assert_eq(st.symbols, 4);
	cr_assert_eq(st.changed, 4);
	cr_assert_eq(st.written, 4);
	cr_assert_eq(st.autoconf, 1);
	cr_assert_eq(st.autoheader, 1);
}

Test(kconfig_file, sync_counts_the_ignored_indented_lines)
{
	sync_("CONFIG_A=y\n\n  CONFIG_B=y\n  # CONFIG_A is not set\n");
	cr_assert_not(exists("include/config/b.h"));
	content("include/config/a.h", "CONFIG_A=y\n");
	cr_assert_eq(st.symbols, 1);
	cr_assert_eq(st.ignored, 2);
	cr_assert_eq(st.firstignored, 3);
}

Test(kconfig_file, new_n_symbol_without_old_value_is_unchanged)
{
	sync_("# CONFIG_A is not set\nCONFIG_B=n\n");
	cr_assert_not(exists("include/config/a.h"));
	cr_assert_not(exists("include/config/b.h"));
	cr_assert_eq(st.changed, 0);
}

Test(kconfig_file, new_empty_string_is_a_change)
{
	sync_("CONFIG_S=\"\"\n");
	content("include/config/s.h", "CONFIG_S=\"\"\n");
}

Test(kconfig_file, value_change_rewrites_the_stamp)
{
	sync_("CONFIG_A=y\n");
	sync_("CONFIG_A=m\n");
	content("include/config/a.h", "CONFIG_A=m\n");
	cr_assert_eq(st.changed, 1);
	cr_assert_eq(st.written, 1);
}

Test(kconfig_file, string_change_rewrites_the_stamp)
{
	sync_("CONFIG_S=\"one\"\n");
	sync_("CONFIG_S=\"two\"\n");
	content("include/config/s.h", "CONFIG_S=\"two\"\n");
	cr_assert_eq(st.changed, 1);
}

Test(kconfig_file, int_change_rewrites_the_stamp)
{
	sync_("CONFIG_I=3\n");
	sync_("CONFIG_I=4\n");
	content("include/config/i.h", "CONFIG_I=4\n");
}

Test(kconfig_file, symbol_turned_off_gets_a_not_set_stamp)
{
	sync_("CONFIG_A=y\n");
	sync_("# CONFIG_A is not set\n");
	content("include/config/a.h", "# CONFIG_A is not set\n");
	cr_assert_eq(st.changed, 1);
}

Test(kconfig_file, disappeared_symbol_gets_a_not_set_stamp)
{
	sync_("CONFIG_A=y\nCONFIG_B=y\n");
	sync_("CONFIG_B=y\n");
	content("include/config/a.h", "# CONFIG_A is not set\n");
	cr_assert_eq(st.changed, 1);
}

Test(kconfig_file, symbol_back_on_gets_its_value_again)
{
	sync_("CONFIG_A=y\n");
	sync_("\n");
	sync_("CONFIG_A=y\n");
	content("include/config/a.h", "CONFIG_A=y\n");
	cr_assert_eq(st.changed, 1);
}

Test(kconfig_file, same_config_changes_nothing)
{
	sync_("CONFIG_A=y\nCONFIG_S=\"s\"\n");
	sync_("CONFIG_A=y\nCONFIG_S=\"s\"\n");
	cr_assert_eq(st.changed, 0);
	cr_assert_eq(st.written, 0);
	cr_assert_eq(st.autoconf, 0);
	cr_assert_eq(st.autoheader, 0);
}

Test(kconfig_file, unchanged_stamps_keep_their_mtime)
{
	static const char *const stamps[] = {
		"include/config/a.h", "include/config/b.h",
		"include/config/c.h", NULL};

	sync_("CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=\"c\"\n");
	age(stamps);
	sync_("CONFIG_A=y\nCONFIG_B=m\nCONFIG_C=\"c\"\n");
	cr_assert_eq(mtime("include/config/a.h"), OLD);
	cr_assert_eq(mtime("include/config/c.h"), OLD);
	cr_assert_gt(mtime("include/config/b.h"), OLD);
}

Test(kconfig_file, changed_stamp_is_newer_than_the_sync_start)
{
	struct timespec before;
	struct stat sb;

	sync_("CONFIG_A=y\n");
	tu_setmtime("include/config/a.h", OLD, 0);
	clock_gettime(CLOCK_REALTIME, &before);
	sync_("CONFIG_A=m\n");
	cr_assert_eq(stat("include/config/a.h", &sb), 0);
	cr_assert(sb.st_mtim.tv_sec > before.tv_sec ||
		  (sb.st_mtim.tv_sec == before.tv_sec &&
		   sb.st_mtim.tv_nsec > before.tv_nsec));
}

Test(kconfig_file, auto_files_are_not_rewritten_when_unchanged)
{
	static const char *const files[] = {"include/config/auto.conf",
					    "autoconf.h", NULL};

	sync_("CONFIG_A=y\n# CONFIG_B is not set\n");
	age(files);
	sync_("# comment\nCONFIG_A=y\n");
	cr_assert_eq(mtime("include/config/auto.conf"), OLD);
	cr_assert_eq(mtime("autoconf.h"), OLD);
	cr_assert_eq(st.autoconf, 0);
	cr_assert_eq(st.autoheader, 0);
}

Test(kconfig_file, auto_files_are_rewritten_when_a_value_changes)
{
	static const char *const files[] = {"include/config/auto.conf",
					    "autoconf.h", NULL};

	sync_("CONFIG_A=y\n");
	age(files);
	sync_("CONFIG_A=m\n");
	content("include/config/auto.conf",
		"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
		"CONFIG_A=m\n");
	content("autoconf.h",
		"/*\n * Automatically generated file; DO NOT EDIT.\n */\n"
		"#define CONFIG_A_MODULE 1\n");
	cr_assert_gt(mtime("include/config/auto.conf"), OLD);
	cr_assert_gt(mtime("autoconf.h"), OLD);
}

Test(kconfig_file, auto_conf_is_rewritten_when_the_title_changes)
{
	sync_("#\n# Automatically generated file; DO NOT EDIT.\n# V1\n#\n"
	      "CONFIG_A=y\n");
	sync_("#\n# Automatically generated file; DO NOT EDIT.\n# V2\n#\n"
	      "CONFIG_A=y\n");
	cr_assert_eq(st.changed, 0);
	cr_assert_eq(st.autoconf, 1);
	content("include/config/auto.conf",
		"#\n# Automatically generated file; DO NOT EDIT.\n# V2\n#\n"
		"CONFIG_A=y\n");
}

Test(kconfig_file, stamp_content_follows_the_value)
{
	char *one, *two;

	sync_("CONFIG_A=\"one\"\n");
	one = tu_read("include/config/a.h", NULL);
	sync_("CONFIG_A=\"two\"\n");
	two = tu_read("include/config/a.h", NULL);
	cr_assert_not_null(one);
	cr_assert_not_null(two);
	cr_assert_str_neq(one, two);
	free(one);
	free(two);
}

Test(kconfig_file, split_layout_collapses_double_underscores)
{
	sync_("CONFIG_FOO__BAR=y\nCONFIG_TRAIL_=y\n");
	content("include/config/foo/bar.h", "CONFIG_FOO__BAR=y\n");
	content("include/config/trail/.h", "CONFIG_TRAIL_=y\n");
}

Test(kconfig_file, flat_layout_keeps_the_name)
{
	syncl("CONFIG_FOO__BAR=y\nCONFIG_TRAIL_=m\n", KDEP_FLAT);
	content("include/config/FOO__BAR", "CONFIG_FOO__BAR=y\n");
	content("include/config/TRAIL_", "CONFIG_TRAIL_=m\n");
	cr_assert_not(exists("include/config/foo"));
}

Test(kconfig_file, flat_layout_disappeared_symbol)
{
	syncl("CONFIG_A_B=y\n", KDEP_FLAT);
	syncl("\n", KDEP_FLAT);
	content("include/config/A_B", "# CONFIG_A_B is not set\n");
}

Test(kconfig_file, dir_and_autoheader_options_are_used)
{
	struct kdep_syncopts o = {"c", "out/stamps", "gen/h/autoconf.h",
				  KDEP_FLAT};

	tu_write("c", "CONFIG_A=y\n");
	cr_assert_eq(kdep_syncconfig(&o, NULL), 0, "%s", kdep_errmsg());
	content("out/stamps/A", "CONFIG_A=y\n");
	cr_assert(exists("out/stamps/auto.conf"));
	cr_assert(exists("gen/h/autoconf.h"));
	cr_assert_not(exists("include"));
}

Test(kconfig_file, empty_autoheader_writes_none)
{
	struct kdep_syncopts o = {"c", "d", "", KDEP_FLAT};

	tu_write("c", "CONFIG_A=y\n");
	cr_assert_eq(kdep_syncconfig(&o, &st), 0, "%s", kdep_errmsg());
	cr_assert_eq(st.autoheader, 0);
	cr_assert_not(exists("include/generated/autoconf.h"));
	cr_assert(exists("d/auto.conf"));
}

Test(kconfig_file, stamp_already_right_is_changed_but_not_written)
{
	tu_write("include/config/a.h", "CONFIG_A=y\n");
	tu_setmtime("include/config/a.h", OLD, 0);
	sync_("CONFIG_A=y\n");
	cr_assert_eq(st.changed, 1);
	cr_assert_eq(st.written, 0);
	cr_assert_eq(mtime("include/config/a.h"), OLD);
}

Test(kconfig_file, raw_strings_of_a_kernel_auto_conf_compare_equal)
{
	/* Linux 6.x writes auto.conf strings unquoted. */
	tu_write("include/config/auto.conf", "CONFIG_S=hello world\n"
					     "CONFIG_E=\nCONFIG_A=y\n");
	sync_("CONFIG_S=\"hello world\"\nCONFIG_E=\"\"\nCONFIG_A=y\n");
	cr_assert_eq(st.changed, 0);
	cr_assert_eq(st.autoconf, 1);
}

Test(kconfig_file, bad_new_config_writes_nothing)
{
	struct kdep_syncopts o = {"new.config", NULL, "autoconf.h",
				  KDEP_SPLIT};

	tu_write("new.config", "CONFIG_A=y\noops\n");
	cr_assert_eq(kdep_syncconfig(&o, &st), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(),
			 "new.config:2: expected CONFIG_NAME=value, "
			 "\"# CONFIG_NAME is not set\" or a comment");
	cr_assert_not(exists("include"));
	cr_assert_not(exists("autoconf.h"));
}

Test(kconfig_file, bad_old_auto_conf_is_an_error_naming_it)
{
	struct kdep_syncopts o = {"new.config", NULL, "autoconf.h",
				  KDEP_SPLIT};

	tu_write("include/config/auto.conf", "CONFIG_A=\"x\n");
	tu_write("new.config", "CONFIG_A=y\n");
	cr_assert_eq(kdep_syncconfig(&o, &st), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(),
			 "include/config/auto.conf:1: unterminated string");
	cr_assert_not(exists("include/config/a.h"));
}

Test(kconfig_file, missing_config_is_an_io_error)
{
	struct kdep_syncopts o = {"none.config", NULL, "autoconf.h",
				  KDEP_SPLIT};

	cr_assert_eq(kdep_syncconfig(&o, &st), KDEP_ENOENT);
	cr_assert(strstr(kdep_errmsg(), "none.config"));
}

Test(kconfig_file, an_auto_conf_can_be_the_input)
{
	struct kdep_syncopts o = {"copy.conf", "other", "", KDEP_SPLIT};

	sync_("CONFIG_A=y\nCONFIG_S=\"s\"\n");
	cr_assert_eq(rename("include/config/auto.conf", "copy.conf"), 0);
	cr_assert_eq(kdep_syncconfig(&o, &st), 0, "%s", kdep_errmsg());
	content("other/a.h", "CONFIG_A=y\n");
	content("other/s.h", "CONFIG_S=\"s\"\n");
}

/* The demo's .config, as kconfig tools write it for Kconfig.sample. */
Test(kconfig_file, demo_sample_config_parses)
{
	const char *top = getenv("KDEP_TOP");
	struct kdep_buf p = {0};

	cr_assert_eq(kdep_bufprintf(&p, "%s/tests/demo/sample.config",
				    top && *top ? top : "."),
		     0);
	cr_assert_eq(kdep_config_parse(p.data, &cfg), 0, "%s", kdep_errmsg());
	cr_assert_eq(sym("DEMO_CODEC")->kind, KDEP_CONF_M);
	cr_assert_eq(sym("DEMO_NET__STATS")->kind, KDEP_CONF_Y);
	cr_assert_eq(sym("DEMO_CRC_")->kind, KDEP_CONF_Y);
	cr_assert_eq(sym("DEMO_LOG_LEVEL")->kind, KDEP_CONF_NUM);
	cr_assert_eq(sym("DEMO_BASE_ADDR")->kind, KDEP_CONF_NUM);
	cr_assert_str_eq(sym("DEMO_GREETING")->val, "hello \"kdep\"");
	cr_assert_eq(sym("DEMO_SELFTEST")->kind, KDEP_CONF_N);
	cr_assert_str_eq(kdep_config_title(cfg), "kdep demo configuration");
	kdep_buffree(&p);
}
