/*
 * cmdfile_test.c - reading .cmd files back into a graph.
 *
 * The golden suite runs fixdep (the library) on the inputs of
 * fixdep_test.c's golden cases, checks that it still prints the same
 * text, and reads that text back: the graph must hold what fixdep was
 * given - the source, every file and every stamp, each once.  A graph is
 * shown as one line per target:
 *	TARGET: [cmd] [source=S] | PATH PATH[config] PATH[ksym] ...
 */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"
#include "testutil.h"

TestSuite(golden, .init = tu_intmp, .fini = tu_outtmp);
TestSuite(cmdfile, .init = tu_intmp, .fini = tu_outtmp);

static int showdep(void *ctx, const char *path, size_t len,
		   enum kdep_pathkind kind)
{
	static const char *const tag[] = {"", "[config]", "[ksym]", "[other]"};

	return kdep_bufprintf(ctx, " %.*s%s", (int)len, path, tag[kind]);
}

/* The graph as text, one line per target. */
static char *show(struct kdep_graph *g)
{
	struct kdep_graphinfo gi;
	struct kdep_buf b = {0};
	size_t i;

	kdep_graph_info(g, &gi);
	cr_assert_eq(kdep_bufputs(&b, ""), 0);
	for (i = 0; i < gi.targets; i++) {
		struct kdep_target t;

		cr_assert_eq(kdep_graph_target(g, i, &t), 0);
		kdep_bufprintf(&b, "%s:%s", t.name, t.hascmd ? " cmd" : "");
		if (t.source)
			kdep_bufprintf(&b, " source=%s", t.source);
		kdep_bufputs(&b, " |");
		cr_assert_eq(kdep_graph_deps(g, i, showdep, &b), 0);
		kdep_bufputs(&b, "\n");
	}
	return b.data;
}

/* Read text as one .cmd file and show the graph. */
static char *readback(const char *text)
{
	struct kdep_graph *g = kdep_graph_new(NULL);
	char *s;

	cr_assert(g);
	cr_assert_eq(kdep_graph_addcmd(g, "x.cmd", text, strlen(text)), 0,
		     "%s", kdep_errmsg());
	s = show(g);
	kdep_graph_free(g);
	return s;
}

/*
 * fixdep with profile prof (layout and config dir may be changed) for
 * depfile a.d, target and cmdline; extra is -e's input or NULL.  Its text
 * must be golden, and read back, graph.
 */
static void roundtrip(const char *prof, int layout, const char *configdir,
		      const char *depfile, const char *target,
		      const char *cmdline, const char *extra,
		      const char *golden, const char *graph)
{
	struct kdep_profile p = *kdep_profile(prof);
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};
	char *got;

	if (layout >= 0)
		p.layout = layout;
	if (configdir)
		p.configdir = configdir;
	f.prof = &p;
	f.depfile = depfile;
	f.target = target;
	f.cmdline = cmdline;
	f.extra = extra;
	f.extralen = extra ? strlen(extra) : 0;
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	cr_assert_str_eq(out.data, golden);
	got = readback(out.data);
	cr_assert_str_eq(got, graph);
	free(got);
	kdep_buffree(&out);
}

/* fixdep_test.c's example tree: drivers/foo/bar.c and include/linux/foo.h */
static void example(void)
{
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

#define EXAMPLE_CMD                                                         \
	"gcc -Wp,-MMD,drivers/foo/.bar.o.d ... -c -o drivers/foo/bar.o "    \
	"drivers/foo/bar.c"

#define EXAMPLE_TAIL                                                        \
	"\n"                                                                \
	"drivers/foo/bar.o: $(deps_drivers/foo/bar.o)\n"                    \
	"\n"                                                                \
	"$(deps_drivers/foo/bar.o):\n"

#define EXAMPLE_GRAPH                                                       \
	"drivers/foo/bar.o: cmd source=drivers/foo/bar.c | "                \
	"drivers/foo/bar.c include/config/FOO_BAR[config] "                 \
	"include/config/BAZ[config] include/linux/foo.h\n"

Test(golden, linux_5_13_example_reads_back)
{
	example();
	roundtrip("linux-5.13", -1, NULL, "drivers/foo/.bar.o.d",
		  "drivers/foo/bar.o", EXAMPLE_CMD, NULL,
		  "cmd_drivers/foo/bar.o := " EXAMPLE_CMD "\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/FOO_BAR) \\\n"
		  "    $(wildcard include/config/BAZ) \\\n"
		  "  include/linux/foo.h \\\n" EXAMPLE_TAIL,
		  EXAMPLE_GRAPH);
}

Test(golden, linux_6_3_example_reads_back)
{
	example();
	roundtrip("linux-6.3", -1, NULL, "drivers/foo/.bar.o.d",
		  "drivers/foo/bar.o", EXAMPLE_CMD, NULL,
		  "savedcmd_drivers/foo/bar.o := " EXAMPLE_CMD "\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/FOO_BAR) \\\n"
		  "    $(wildcard include/config/BAZ) \\\n"
		  "  include/linux/foo.h \\\n" EXAMPLE_TAIL,
		  EXAMPLE_GRAPH);
}

Test(golden, linux_4_17_split_stamps_and_extra_deps_read_back)
{
	example();
	roundtrip("linux-4.17", -1, NULL, "drivers/foo/.bar.o.d",
		  "drivers/foo/bar.o", EXAMPLE_CMD,
		  "KSYM_bar_export\nKSYM___clear_user\n__kmalloc\n",
		  "cmd_drivers/foo/bar.o := " EXAMPLE_CMD "\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/foo/bar.h) \\\n"
		  "    $(wildcard include/config/baz.h) \\\n"
		  "  include/linux/foo.h \\\n"
		  "    $(wildcard include/config/ksym/bar/export.h) \\\n"
		  "    $(wildcard include/config/ksym/clear/user.h) \\\n"
		  "    $(wildcard include/ksym/kmalloc.h) \\\n" EXAMPLE_TAIL,
		  "drivers/foo/bar.o: cmd source=drivers/foo/bar.c | "
		  "drivers/foo/bar.c include/config/foo/bar.h[config] "
		  "include/config/baz.h[config] include/linux/foo.h "
		  "include/config/ksym/bar/export.h[config] "
		  "include/config/ksym/clear/user.h[config] "
		  "include/ksym/kmalloc.h[ksym]\n");
}

Test(golden, repeated_extra_deps_read_back_once)
{
	example();
	roundtrip("linux-4.17", -1, NULL, "drivers/foo/.bar.o.d",
		  "drivers/foo/bar.o", EXAMPLE_CMD, "b\na\nb\n",
		  "cmd_drivers/foo/bar.o := " EXAMPLE_CMD "\n"
		  "\n"
		  "source_drivers/foo/bar.o := drivers/foo/bar.c\n"
		  "\n"
		  "deps_drivers/foo/bar.o := \\\n"
		  "    $(wildcard include/config/foo/bar.h) \\\n"
		  "    $(wildcard include/config/baz.h) \\\n"
		  "  include/linux/foo.h \\\n"
		  "    $(wildcard include/ksym/b.h) \\\n"
		  "    $(wildcard include/ksym/a.h) \\\n"
		  "    $(wildcard include/ksym/b.h) \\\n" EXAMPLE_TAIL,
		  "drivers/foo/bar.o: cmd source=drivers/foo/bar.c | "
		  "drivers/foo/bar.c include/config/foo/bar.h[config] "
		  "include/config/baz.h[config] include/linux/foo.h "
		  "include/ksym/b.h[ksym] include/ksym/a.h[ksym]\n");
}

Test(golden, linux_6_3_ignored_first_prerequisite_as_source_reads_back)
{
	tu_write("a.d", "a.o: include/generated/autoconf.h a.c\n");
	tu_write("include/generated/autoconf.h", "#define CONFIG_A 1\n");
	tu_write("a.c", "CONFIG_B\n");
	roundtrip("linux-6.3", -1, NULL, "a.d", "a.o", "cc", NULL,
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := include/generated/autoconf.h\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard include/config/A) \\\n"
		  "  a.c \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n",
		  "a.o: cmd source=include/generated/autoconf.h | "
		  "include/generated/autoconf.h include/config/A[config] a.c "
		  "include/config/B[config]\n");
}

Test(golden, linux_6_3_repeated_header_reads_back)
{
	tu_write("a.d", "a.o: a.c b.h c.h b.h a.c \\\n b.h\n\nb.h:\n");
	tu_write("a.c", "");
	tu_write("b.h", "CONFIG_B\n");
	tu_write("c.h", "");
	roundtrip("linux-6.3", -1, NULL, "a.d", "a.o", "cc", NULL,
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  b.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "  c.h \\\n"
		  "  a.c \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n",
		  "a.o: cmd source=a.c | a.c b.h include/config/B[config] "
		  "c.h\n");
}

Test(golden, linux_5_13_repeated_header_reads_back_once)
{
	tu_write("a.d", "a.o: a.c b.h b.h\n");
	tu_write("a.c", "");
	tu_write("b.h", "CONFIG_B\n");
	roundtrip("linux-5.13", -1, NULL, "a.d", "a.o", "cc", NULL,
		  "cmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "  b.h \\\n"
		  "    $(wildcard include/config/B) \\\n"
		  "  b.h \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n",
		  "a.o: cmd source=a.c | a.c b.h include/config/B[config]\n");
}

Test(golden, linux_6_3_rust_libraries_read_back)
{
	tu_write("a.d", "# rustc dep-info\na.o: a.rs libcore.rlib "
			"libcore.rmeta libmacros.so\n\na.rs:\n");
	tu_write("a.rs", "// CONFIG_R\n");
	roundtrip("linux-6.3", -1, NULL, "a.d", "a.o", "rustc", NULL,
		  "savedcmd_a.o := rustc\n\n"
		  "source_a.o := a.rs\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard include/config/R) \\\n"
		  "  libcore.rlib \\\n"
		  "  libcore.rmeta \\\n"
		  "  libmacros.so \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n",
		  "a.o: cmd source=a.rs | a.rs include/config/R[config] "
		  "libcore.rlib libcore.rmeta libmacros.so\n");
}

Test(golden, concatenated_depfiles_read_back)
{
	tu_write("x.d", "x.dtb.pre.tmp: x.dts a.h\n"
			"x.dtb: x.dtb.pre.tmp b.dtsi a.h\n");
	tu_write("x.dts", "CONFIG_A\n");
	tu_write("a.h", "CONFIG_B\n");
	tu_write("x.dtb.pre.tmp", "CONFIG_C CONFIG_A\n");
	tu_write("b.dtsi", "CONFIG_D\n");
	roundtrip("linux-5.13", -1, NULL, "x.d", "x.dtb", "dtc", NULL,
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
		  "\nx.dtb: $(deps_x.dtb)\n\n$(deps_x.dtb):\n",
		  "x.dtb: cmd source=x.dts | x.dts include/config/A[config] "
		  "a.h include/config/B[config] include/config/C[config] "
		  "b.dtsi include/config/D[config]\n");
}

/*
 * Up to 6.2, a word before the first "target:" is printed as a stray
 * "  x \" line; make joins it with the source_ line into an assignment
 * to a name with spaces, so source_x is lost to make - and to the graph.
 */
Test(golden, stray_word_before_the_target_reads_back_as_make_reads_it)
{
	tu_write("a.d", "x y: a.c b.h\n");
	tu_write("x", "CONFIG_X\n");
	tu_write("a.c", "");
	tu_write("b.h", "");
	roundtrip("linux-5.13", -1, NULL, "a.d", "x", "cc", NULL,
		  "cmd_x := cc\n\n"
		  "  x \\\n"
		  "    $(wildcard include/config/X) \\\n"
		  "source_x := a.c\n\n"
		  "deps_x := \\\n"
		  "  b.h \\\n"
		  "\nx: $(deps_x)\n\n$(deps_x):\n",
		  "x: cmd | b.h\n");
}

Test(golden, verbatim_cmdline_and_target_read_back)
{
	tu_write("a.d", "a%s.o: a.c\n");
	tu_write("a.c", "");
	roundtrip("linux-6.3", -1, NULL, "a.d", "a%s.o",
		  "echo '$$x' $(pound) %d", NULL,
		  "savedcmd_a%s.o := echo '$$x' $(pound) %d\n\n"
		  "source_a%s.o := a.c\n\n"
		  "deps_a%s.o := \\\n"
		  "\na%s.o: $(deps_a%s.o)\n\n$(deps_a%s.o):\n",
		  "a%s.o: cmd source=a.c | a.c\n");
}

Test(golden, other_config_dir_and_split_layout_read_back)
{
	tu_write("a.d", "a.o: a.c\n");
	tu_write("a.c", "CONFIG_FOO_BAR\n");
	roundtrip("linux-6.3", KDEP_SPLIT, "kc", "a.d", "a.o", "cc", NULL,
		  "savedcmd_a.o := cc\n\n"
		  "source_a.o := a.c\n\n"
		  "deps_a.o := \\\n"
		  "    $(wildcard kc/foo/bar.h) \\\n"
		  "\na.o: $(deps_a.o)\n\n$(deps_a.o):\n",
		  "a.o: cmd source=a.c | a.c kc/foo/bar.h[other]\n");
}

/* Every profile: what fixdep saw is what the graph holds. */
struct seenlist {
	struct kdep_buf b;
};

static int onseen(void *ctx, const struct kdep_seen *s)
{
	struct seenlist *l = ctx;

	return kdep_bufprintf(&l->b, " %s%s", s->path,
			      s->kind == KDEP_SEEN_STAMP ? "[config]" : "");
}

Test(golden, every_profile_reads_back_what_fixdep_saw)
{
	const struct kdep_profile *const *p;

	example();
	for (p = kdep_profiles(); *p; p++) {
		struct kdep_fixdep f = {0};
		struct kdep_buf out = {0};
		struct seenlist l = {{0}};
		char *want, *got;

		f.prof = *p;
		f.depfile = "drivers/foo/.bar.o.d";
		f.target = "drivers/foo/bar.o";
		f.cmdline = "cc";
		f.seen = onseen;
		f.seenctx = &l;
		cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
		cr_assert(asprintf(&want,
				   "drivers/foo/bar.o: cmd "
				   "source=drivers/foo/bar.c |%s\n",
				   l.b.data) > 0);
		got = readback(out.data);
		cr_assert_str_eq(got, want, "%s", (*p)->name);
		free(got);
		free(want);
		kdep_buffree(&out);
		kdep_buffree(&l.b);
	}
}

/* gen_ksymdeps.sh's block after fixdep's, as kbuild 5.x-6.3 appends it */
Test(golden, ksymdeps_block_reads_back_as_ksym_stamps)
{
	char *got = readback("cmd_k.o := cc\n\n"
			     "source_k.o := k.c\n\n"
			     "deps_k.o := \\\n"
			     "  k.h \\\n"
			     "\nk.o: $(deps_k.o)\n\n$(deps_k.o):\n"
			     "\n"
			     "ksymdeps_k.o := \\\n"
			     "    $(wildcard include/ksym/Alpha) \\\n"
			     "    $(wildcard include/ksym/__kmalloc) \\\n"
			     "\n"
			     "k.o: $(ksymdeps_k.o)\n"
			     "\n"
			     "$(ksymdeps_k.o):\n");

	cr_assert_str_eq(got, "k.o: cmd source=k.c | k.c k.h "
			      "include/ksym/Alpha[ksym] "
			      "include/ksym/__kmalloc[ksym]\n");
	free(got);
}

/* ---- other shapes ---- */

/* BusyBox's and Linux < 2.6.29's fixdep: no source_, the source first */
Test(cmdfile, without_source_line_the_first_file_is_the_source)
{
	char *got = readback("cmd_applets/applets.o := gcc -Wp,-MD,"
			     "applets/.applets.o.d -c -o applets/applets.o "
			     "applets/applets.c\n\n"
			     "deps_applets/applets.o := \\\n"
			     "  applets/applets.c \\\n"
			     "    $(wildcard include/config/feature/sh/is/ash.h) \\\n"
			     "  include/busybox.h \\\n"
			     "\napplets/applets.o: $(deps_applets/applets.o)\n"
			     "\n$(deps_applets/applets.o):\n");

	cr_assert_str_eq(got, "applets/applets.o: cmd source=applets/applets.c "
			      "| applets/applets.c "
			      "include/config/feature/sh/is/ash.h[config] "
			      "include/busybox.h\n");
	free(got);
}

Test(cmdfile, without_source_line_a_first_header_is_no_source)
{
	char *got = readback("cmd_x := cc\n\ndeps_x := \\\n  b.h \\\n\n"
			     "x: $(deps_x)\n");

	cr_assert_str_eq(got, "x: cmd | b.h\n");
	free(got);
}

Test(cmdfile, link_step_has_a_command_and_no_dependencies)
{
	char *got = readback("cmd_built-in.a := rm -f built-in.a; ar cDPrST "
			     "built-in.a a.o b.o\n");

	cr_assert_str_eq(got, "built-in.a: cmd |\n");
	free(got);
}

Test(cmdfile, extra_rule_lines_add_prerequisites)
{
	char *got = readback("cmd_a.o := cc\n\nsource_a.o := a.c\n\n"
			     "deps_a.o := \\\n  a.h \\\n\n"
			     "a.o: $(deps_a.o)\n\n$(deps_a.o):\n\n"
			     "a.o: $(wildcard ./tools/objtool/objtool)\n");

	cr_assert_str_eq(got, "a.o: cmd source=a.c | a.c a.h "
			      "tools/objtool/objtool[other]\n");
	free(got);
}

/* The tools/ build without fixdep writes gcc's depfile itself. */
Test(cmdfile, raw_depfile_rule_with_continued_lines_is_read)
{
	char *got = readback("# using basic dep data\n\n"
			     "/b/fixdep.o: fixdep.c \\\n"
			     " /usr/include/stdio.h \\\n"
			     " /usr/include/stdlib.h\n\n"
			     "cmd_/b/fixdep.o := gcc -c -o /b/fixdep.o "
			     "fixdep.c\n");

	cr_assert_str_eq(got, "/b/fixdep.o: cmd | fixdep.c "
			      "/usr/include/stdio.h /usr/include/stdlib.h\n");
	free(got);
}

Test(cmdfile, other_variables_and_comments_are_passed_over)
{
	char *got = readback("# a comment\nmod_a := x\n"
			     "cmd_a.o := cc\n");

	cr_assert_str_eq(got, "a.o: cmd |\n");
	free(got);
}

static int keeplast(void *ctx, const struct kdep_cmdent *e)
{
	char **s = ctx;

	free(*s);
	cr_assert(asprintf(s, "%d:%.*s:%.*s:%u", e->kind, (int)e->tlen,
			   e->target, (int)e->len, e->s, e->line) > 0);
	return 0;
}

static int stop(void *ctx, const struct kdep_cmdent *e)
{
	(*(int *)ctx)++;
	(void)e;
	return 7;
}

/* The command line keeps its trailing spaces: records hash it. */
Test(cmdfile, entries_come_with_kind_target_value_and_line)
{
	const char text[] = "cmd_a.o := cc  \n\nsource_a.o := a.c\n";
	char *last = NULL;

	cr_assert_eq(kdep_cmdparse("x.cmd", text, 16, keeplast, &last), 0);
	cr_assert_str_eq(last, "0:a.o:cc  :1");
	cr_assert_eq(kdep_cmdparse("x.cmd", text, strlen(text), keeplast,
				   &last),
		     0);
	cr_assert_str_eq(last, "1:a.o:a.c:3");
	free(last);
}

Test(cmdfile, a_non_zero_return_from_the_callback_stops)
{
	const char text[] = "cmd_a.o := cc\ncmd_b.o := cc\n";
	int calls = 0;

	cr_assert_eq(kdep_cmdparse("x.cmd", text, strlen(text), stop, &calls),
		     7);
	cr_assert_eq(calls, 1);
}

/* ---- malformed files ---- */

static void malformed(const char *text, size_t len, const char *msg)
{
	struct kdep_graph *g = kdep_graph_new(NULL);
	struct kdep_graphinfo gi;

	cr_assert_eq(kdep_graph_addcmd(g, "d/.a.o.cmd", text, len), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(), msg);
	kdep_graph_info(g, &gi);
	cr_assert_eq(gi.targets, 0, "a malformed file adds nothing");
	cr_assert_eq(gi.cmdfiles, 0);
	kdep_graph_free(g);
}

Test(cmdfile, truncated_deps_block_is_an_error_naming_file_and_line)
{
	const char t[] = "cmd_a.o := cc\n\nsource_a.o := a.c\n\n"
			 "deps_a.o := \\\n  a.h \\\n  b.h \\\n";

	malformed(t, strlen(t),
		  "d/.a.o.cmd:5: deps_a.o has no end (truncated?)");
}

Test(cmdfile, deps_without_its_rule_is_an_error)
{
	const char t[] = "cmd_a.o := cc\n\nsource_a.o := a.c\n\n"
			 "deps_a.o := \\\n  a.h \\\n\n";

	malformed(t, strlen(t),
		  "d/.a.o.cmd:5: deps_a.o has no rule using it (truncated?)");
}

Test(cmdfile, binary_file_is_an_error_at_its_nul_byte)
{
	const char t[] = "cmd_a.o := cc\n\x7f"
			 "ELF\x02\x01\x01\0\0\0";

	malformed(t, sizeof(t) - 1, "d/.a.o.cmd:2: NUL byte: not a .cmd file");
}

Test(cmdfile, stray_text_is_an_error)
{
	const char t[] = "cmd_a.o := cc\nhello world\n";

	malformed(t, strlen(t), "d/.a.o.cmd:2: not a .cmd line: hello world");
}

Test(cmdfile, block_line_without_backslash_is_an_error)
{
	const char t[] = "deps_a.o := \\\n  a.h \\\n  b.h\n";

	malformed(t, strlen(t),
		  "d/.a.o.cmd:3: line in deps_a.o without a trailing \\");
}

Test(cmdfile, deps_with_a_value_is_an_error)
{
	const char t[] = "deps_a.o := a.h\n";

	malformed(t, strlen(t), "d/.a.o.cmd:1: deps_a.o is not a \\ list");
}

Test(cmdfile, one_megabyte_lines_are_read_whole)
{
	size_t n = 1 << 20;
	char *cmd = malloc(n + 1), *path = malloc(n + 1), *text, *want;

	cr_assert(cmd && path);
	memset(cmd, 'c', n);
	cmd[n] = '\0';
	memset(path, 'p', n);
	path[n] = '\0';
	cr_assert(asprintf(&text,
			   "cmd_a.o := %s\n\ndeps_a.o := \\\n  %s.h \\\n\n"
			   "a.o: $(deps_a.o)\n",
			   cmd, path) > 0);
	cr_assert(asprintf(&want, "a.o: cmd | %s.h\n", path) > 0);
	char *got = readback(text);
	cr_assert(strcmp(got, want) == 0, "the 1 MB path came back whole");
	free(got);
	free(want);
	free(text);
	free(cmd);
	free(path);
}

/* ---- loading a folder ---- */

static struct kdep_buf warned;

static void onwarn(void *ctx, const char *msg)
{
	(void)ctx;
	kdep_bufprintf(&warned, "%s\n", msg);
}

Test(cmdfile, load_reads_every_cmd_file_and_skips_malformed_ones)
{
	struct kdep_graph *g = kdep_graph_new("build");
	struct kdep_graphinfo gi;
	char *got;

	tu_write("build/.a.o.cmd", "cmd_a.o := cc\n");
	tu_write("build/sub/.b.o.cmd", "cmd_sub/b.o := cc\n\n"
				       "deps_sub/b.o := \\\n  x.h \\\n\n"
				       "sub/b.o: $(deps_sub/b.o)\n");
	tu_write("build/sub/.c.o.cmd", "cmd_sub/c.o := cc\n\n"
				       "deps_sub/c.o := \\\n  x.h \\\n");
	tu_write("build/sub/.c.o.d", "not a .cmd file\n");
	tu_write("build/sub/b.cmd", "not hidden: not a .cmd file\n");
	tu_write("build/.git/.x.cmd", "not read\n");
	cr_assert_eq(kdep_graph_load(g, onwarn, NULL), 2, "%s",
		     kdep_errmsg());
	cr_assert_str_eq(warned.data,
			 "build/sub/.c.o.cmd:3: deps_sub/c.o has no end "
			 "(truncated?) (skipped)\n");
	got = show(g);
	cr_assert_str_eq(got, "a.o: cmd |\nsub/b.o: cmd | x.h\n");
	kdep_graph_info(g, &gi);
	cr_assert_eq(gi.cmdfiles, 2);
	cr_assert_eq(gi.skipped, 1);
	free(got);
	kdep_buffree(&warned);
	kdep_graph_free(g);
}

Test(cmdfile, load_of_a_missing_folder_is_an_error)
{
	struct kdep_graph *g = kdep_graph_new("nope");

	cr_assert_eq(kdep_graph_load(g, NULL, NULL), KDEP_ENOENT);
	cr_assert_str_eq(kdep_errmsg(),
			 "cannot list nope: No such file or directory");
	kdep_graph_free(g);
}
