/*
 * insight_test.c - what the graph answers: kdep impact, stats, why.
 *
 * The fixture is a small build folder:
 *	x.o  <- x.c (10 B): include/a.h (100 B), include/b.h (1000 B),
 *	        CONFIG_FOO
 *	y.o  <- y.c (20 B): include/b.h, gen/g.h (50 B), CONFIG_FOO, CONFIG_BAR
 *	z.o  <- z.c (30 B): include/a.h
 *	gen/g.h <- gen/g.txt (5 B), a generated header: a target others list
 *	built-in.a: a link step, no dependencies
 */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"
#include "testutil.h"

TestSuite(impact, .init = tu_intmp, .fini = tu_outtmp);
TestSuite(stats, .init = tu_intmp, .fini = tu_outtmp);
TestSuite(why, .init = tu_intmp, .fini = tu_outtmp);

static void sized(const char *path, size_t n)
{
	char *s = malloc(n + 1);

	cr_assert(s);
	memset(s, 'x', n);
	s[n] = '\0';
	tu_write(path, s);
	free(s);
}

/* A .cmd file for target with source src and deps (a " \\\n" list). */
static void cmdfile(const char *target, const char *src, const char *deps)
{
	const char *slash = strrchr(target, '/');
	char *path, *text;

	cr_assert(asprintf(&path, "%.*s.%s.cmd",
			   slash ? (int)(slash - target + 1) : 0, target,
			   slash ? slash + 1 : target) > 0);
	cr_assert(asprintf(&text,
			   "savedcmd_%s := cc -o %s %s\n\n"
			   "source_%s := %s\n\n"
			   "deps_%s := \\\n%s\n"
			   "%s: $(deps_%s)\n\n$(deps_%s):\n",
			   target, target, src, target, src, target, deps,
			   target, target, target) > 0);
	tu_write(path, text);
	free(path);
	free(text);
}

static struct kdep_graph *fixture(void)
{
	struct kdep_graph *g = kdep_graph_new(NULL);

	sized("x.c", 10);
	sized("y.c", 20);
	sized("z.c", 30);
	sized("include/a.h", 100);
	sized("include/b.h", 1000);
	sized("gen/g.h", 50);
	sized("gen/g.txt", 5);
	cmdfile("x.o", "x.c",
		"    $(wildcard include/config/FOO) \\\n"
		"  include/a.h \\\n"
		"  include/b.h \\\n");
	cmdfile("y.o", "y.c",
		"  include/b.h \\\n"
		"    $(wildcard include/config/FOO) \\\n"
		"  gen/g.h \\\n"
		"    $(wildcard include/config/BAR) \\\n");
	cmdfile("z.o", "z.c", "  include/a.h \\\n");
	cmdfile("gen/g.h", "gen/g.txt", "");
	tu_write(".built-in.a.cmd", "savedcmd_built-in.a := ar x.o y.o z.o\n");
	cr_assert(g);
	cr_assert_eq(kdep_graph_load(g, NULL, NULL), 5, "%s", kdep_errmsg());
	return g;
}

static char *impact(struct kdep_graph *g, int flags, const char *a,
		    const char *b, long count)
{
	const char *what[] = {a, b};
	struct kdep_buf out = {0};
	long n = kdep_impact(g, what, b ? 2 : 1, flags, &out);

	cr_assert_eq(n, count, "%ld: %s", n, n < 0 ? kdep_errmsg() : out.data);
	return out.data;
}

/* ---- impact ---- */

Test(impact, header_rebuilds_the_objects_that_list_it)
{
	struct kdep_graph *g = fixture();
	char *s = impact(g, 0, "include/a.h", NULL, 2);

	cr_assert_str_eq(s, "x.o\nz.o\n2 targets\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, generated_header_passes_the_change_on)
{
	struct kdep_graph *g = fixture();
	char *s = impact(g, 0, "gen/g.txt", NULL, 2);

	cr_assert_str_eq(s, "gen/g.h\ny.o\n2 targets\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, config_symbol_rebuilds_the_objects_listing_its_stamp)
{
	struct kdep_graph *g = fixture();
	char *s = impact(g, 0, "CONFIG_FOO", NULL, 2);

	cr_assert_str_eq(s, "x.o\ny.o\n2 targets\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, split_layout_stamp_is_found_by_its_config_name)
{
	struct kdep_graph *g;
	char *s;

	cmdfile("w.o", "w.c", "    $(wildcard include/config/foo/bar.h) \\\n");
	g = kdep_graph_new(NULL);
	cr_assert_eq(kdep_graph_load(g, NULL, NULL), 1);
	s = impact(g, 0, "CONFIG_FOO_BAR", NULL, 1);
	cr_assert_str_eq(s, "w.o\n1 target\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, several_changes_count_each_target_once)
{
	struct kdep_graph *g = fixture();
	char *s = impact(g, KDEP_OUT_COUNT, "include/b.h", "./include/a.h", 3);

	cr_assert_str_eq(s, "3\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, json_lists_the_changes_the_count_and_the_targets)
{
	struct kdep_graph *g = fixture();
	char *s = impact(g, KDEP_OUT_JSON, "include/a.h", NULL, 2);

	cr_assert_str_eq(s, "{\"changed\": [\"include/a.h\"], \"count\": 2, "
			    "\"targets\": [\n  \"x.o\",\n  \"z.o\"\n]}\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, a_source_rebuilds_its_object)
{
	struct kdep_graph *g = fixture();
	char *s = impact(g, 0, "z.c", NULL, 1);

	cr_assert_str_eq(s, "z.o\n1 target\n");
	free(s);
	kdep_graph_free(g);
}

Test(impact, a_name_no_cmd_file_lists_is_an_error)
{
	struct kdep_graph *g = fixture();
	const char *what[] = {"include/nope.h"};
	struct kdep_buf out = {0};

	cr_assert_eq(kdep_impact(g, what, 1, 0, &out), KDEP_EDATA);
	cr_assert_str_eq(kdep_errmsg(), "include/nope.h: no .cmd file lists it");
	kdep_buffree(&out);
	kdep_graph_free(g);
}

/* ---- stats ---- */

Test(stats, counts_objects_headers_and_symbols)
{
	struct kdep_graph *g = fixture();
	struct kdep_stats st;

	cr_assert_eq(kdep_stats(g, &st), 0, "%s", kdep_errmsg());
	cr_assert_eq(st.info.cmdfiles, 5);
	cr_assert_eq(st.info.targets, 5);
	cr_assert_eq(st.objects, 4, "built-in.a is no object");
	cr_assert_eq(st.headers, 3, "sources are no headers");
	cr_assert_eq(st.configs, 2);
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, headers_and_bytes_per_object_are_nearest_rank)
{
	struct kdep_graph *g = fixture();
	struct kdep_stats st;

	cr_assert_eq(kdep_stats(g, &st), 0);
	/* headers: g.h 0, z 1, x 2, y 2; bytes 0, 100, 1050, 1100 */
	cr_assert_eq(st.hdrmed, 1);
	cr_assert_eq(st.hdrp90, 2);
	cr_assert_eq(st.hdrmax, 2);
	cr_assert_eq(st.bytesmed, 100);
	cr_assert_eq(st.bytesp90, 1100);
	cr_assert_eq(st.bytesmax, 1100);
	cr_assert_eq(st.hdrbytes, 2250);
	cr_assert_eq(st.srcbytes, 65);
	cr_assert_eq(st.allbytes, 2315);
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, headers_rank_by_fan_in_times_size)
{
	struct kdep_graph *g = fixture();
	struct kdep_stats st;

	cr_assert_eq(kdep_stats(g, &st), 0);
	cr_assert_eq(st.nheaders, 3);
	cr_assert_str_eq(st.bycost[0].name, "include/b.h");
	cr_assert_eq(st.bycost[0].n, 2);
	cr_assert_eq(st.bycost[0].size, 1000);
	cr_assert_eq(st.bycost[0].cost, 2000);
	/* x.o reads 1110 bytes, y.o 1070: both rebuild */
	cr_assert_eq(st.bycost[0].rebuild, 2180);
	cr_assert_str_eq(st.bycost[1].name, "include/a.h");
	cr_assert_eq(st.bycost[1].cost, 200);
	cr_assert_eq(st.bycost[1].rebuild, 1110 + 130);
	cr_assert_str_eq(st.bycost[2].name, "gen/g.h");
	cr_assert_eq(st.bycost[2].cost, 50);
	/* by fan-in: ties go by size */
	cr_assert_str_eq(st.byfanin[0].name, "include/b.h");
	cr_assert_str_eq(st.byfanin[1].name, "include/a.h");
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, symbols_rank_by_users_and_objects_by_headers)
{
	struct kdep_graph *g = fixture();
	struct kdep_stats st;

	cr_assert_eq(kdep_stats(g, &st), 0);
	cr_assert_eq(st.nconfigs, 2);
	cr_assert_str_eq(st.configrows[0].name, "CONFIG_FOO");
	cr_assert_eq(st.configrows[0].n, 2);
	cr_assert_str_eq(st.configrows[1].name, "CONFIG_BAR");
	cr_assert_eq(st.nobjects, 4);
	cr_assert_str_eq(st.objectrows[0].name, "x.o", "2 headers, 1100 B");
	cr_assert_str_eq(st.objectrows[1].name, "y.o");
	cr_assert_str_eq(st.objectrows[3].name, "gen/g.h");
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, split_stamps_read_back_as_config_names)
{
	struct kdep_graph *g;
	struct kdep_stats st;

	cmdfile("w.o", "w.c", "    $(wildcard include/config/foo/bar.h) \\\n");
	g = kdep_graph_new(NULL);
	cr_assert_eq(kdep_graph_load(g, NULL, NULL), 1);
	cr_assert_eq(kdep_stats(g, &st), 0);
	cr_assert_str_eq(st.configrows[0].name, "CONFIG_FOO_BAR");
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, histogram_counts_every_object)
{
	struct kdep_graph *g = fixture();
	struct kdep_stats st;

	cr_assert_eq(kdep_stats(g, &st), 0);
	cr_assert_eq(st.histwidth, 1);
	cr_assert_eq(st.nhist, 3);
	cr_assert_eq(st.hist[0], 1);
	cr_assert_eq(st.hist[1], 1);
	cr_assert_eq(st.hist[2], 2);
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, text_and_json_carry_the_figures)
{
	struct kdep_graph *g = fixture();
	struct kdep_buf t = {0}, j = {0};
	struct kdep_stats st;

	cr_assert_eq(kdep_stats(g, &st), 0);
	cr_assert_eq(kdep_stats_print(&st, 1, 0, &t), 0);
	cr_assert_eq(kdep_stats_print(&st, 1, KDEP_OUT_JSON, &j), 0);
	cr_assert(strstr(t.data, "\n       2       1000         2000"
				 "         2180  include/b.h\n"),
		  "%s", t.data);
	cr_assert(!strstr(t.data, "include/a.h"), "--top=1: %s", t.data);
	cr_assert(strstr(j.data, "\"top_cost\": [\n  {\"path\": "
				 "\"include/b.h\", \"fanin\": 2, \"size\": "
				 "1000, \"cost\": 2000, \"rebuild\": 2180}\n ]"),
		  "%s", j.data);
	cr_assert(strstr(j.data, "\"headers_per_object\": {\"median\": 1, "
				 "\"p90\": 2, \"max\": 2}"),
		  "%s", j.data);
	kdep_buffree(&t);
	kdep_buffree(&j);
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

Test(stats, report_is_one_page_with_its_charts_and_escaped_names)
{
	struct kdep_graph *g;
	struct kdep_buf h = {0};
	struct kdep_stats st;

	sized("a<b>&.h", 10);
	cmdfile("x.o", "x.c", "  a<b>&.h \\\n");
	g = kdep_graph_new(NULL);
	cr_assert_eq(kdep_graph_load(g, NULL, NULL), 1);
	cr_assert_eq(kdep_stats(g, &st), 0);
	cr_assert_eq(kdep_report_html(&st, 20, "t<1>", &h), 0);
	cr_assert(strncmp(h.data, "<!DOCTYPE html>\n", 16) == 0);
	cr_assert(strstr(h.data, "<title>t&lt;1&gt;</title>"));
	cr_assert(strstr(h.data, "a&lt;b&gt;&amp;.h"));
	cr_assert(!strstr(h.data, "a<b>"), "names are escaped");
	cr_assert(strstr(h.data, "aria-label=\"Histogram of headers per "
				 "object\""));
	cr_assert(strstr(h.data, "aria-label=\"Top headers by rebuild "
				 "cost\""));
	cr_assert(!strstr(h.data, "http"), "nothing is fetched");
	cr_assert(strstr(h.data, "</html>\n"));
	kdep_buffree(&h);
	kdep_stats_free(&st);
	kdep_graph_free(g);
}

/* ---- why ---- */

static struct kdep_buf said;

static void onreason(void *ctx, const char *target, const char *reason)
{
	(void)ctx;
	(void)target;
	kdep_bufprintf(&said, "%s\n", reason);
}

static int why(const char *target, const char *want_how)
{
	struct kdep_checker *c = kdep_checker_new(0);
	struct kdep_buf how = {0};
	int r;

	said.len = 0;
	kdep_bufputs(&said, "");
	r = kdep_why(c, target, onreason, NULL, &how);
	cr_assert_geq(r, 0, "%s", kdep_errmsg());
	cr_assert_str_eq(how.data, want_how);
	kdep_buffree(&how);
	kdep_checker_free(c);
	return r;
}

/* a.o from a.c, b.h and the stamp of CONFIG_FOO, all older than a.o. */
static void built(void)
{
	tu_write("a.c", "#include \"b.h\"\nint x = CONFIG_FOO;\n");
	tu_write("b.h", "#define B 1\n");
	tu_write("include/config/FOO", "");
	tu_write(".a.o.d", "a.o: a.c b.h\n");
	tu_setmtime("a.c", 1000, 0);
	tu_setmtime("b.h", 1000, 0);
	tu_setmtime("include/config/FOO", 1000, 0);
	tu_setmtime(".a.o.d", 2000, 0);
	tu_write("a.o", "object");
	tu_setmtime("a.o", 2000, 0);
}

/* fixdep for a.o, with a content-hash record if record is set. */
static void fixdep(int record)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0};
	struct kdep_record *r = NULL;

	f.prof = kdep_profile("linux-6.3");
	f.depfile = ".a.o.d";
	f.target = "a.o";
	f.cmdline = "cc -c a.c";
	if (record) {
		tu_settle("a.o");
		cr_assert((r = kdep_record_new("a.o", ".a.o.d", f.cmdline)));
		f.seen = kdep_record_seen;
		f.seenctx = r;
	}
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	tu_write(".a.o.cmd", out.data);
	if (r) {
		cr_assert_eq(kdep_record_write(r), 0, "%s", kdep_errmsg());
		kdep_record_free(r);
	}
	kdep_buffree(&out);
}

Test(why, without_a_record_older_files_leave_it_up_to_date)
{
	built();
	fixdep(0);
	cr_assert_eq(why("a.o", "mtime: no record"), 0);
	cr_assert_str_eq(said.data, "");
}

Test(why, without_a_record_a_newer_header_rebuilds)
{
	built();
	fixdep(0);
	tu_setmtime("b.h", 3000, 0);
	cr_assert_eq(why("a.o", "mtime: no record"), 1);
	cr_assert_str_eq(said.data, "a.o: b.h is newer\n");
}

Test(why, without_a_record_equal_mtimes_do_not_rebuild)
{
	built();
	fixdep(0);
	tu_setmtime("b.h", 2000, 0); /* make wants strictly newer */
	cr_assert_eq(why("a.o", "mtime: no record"), 0);
}

Test(why, without_a_record_a_newer_stamp_is_a_config_change)
{
	built();
	fixdep(0);
	tu_setmtime("include/config/FOO", 3000, 0);
	cr_assert_eq(why("a.o", "mtime: no record"), 1);
	cr_assert_str_eq(said.data, "a.o: include/config/FOO is newer "
				    "(stamp: its config or symbol changed)\n");
}

Test(why, without_a_record_a_missing_header_rebuilds_a_missing_stamp_not)
{
	built();
	fixdep(0);
	remove("b.h");
	remove("include/config/FOO");
	cr_assert_eq(why("a.o", "mtime: no record"), 1);
	cr_assert_str_eq(said.data,
			 "a.o: b.h is missing (make takes it as remade)\n");
}

Test(why, a_corrupt_record_is_named_and_mtimes_decide)
{
	built();
	fixdep(1);
	tu_write(".a.o.kdep", "kdep-record 9\n");
	tu_setmtime(".a.o.kdep", 4000, 0);
	tu_setmtime("b.h", 3000, 0);
	cr_assert_eq(why("a.o", "mtime: .a.o.kdep is corrupt"), 1);
	cr_assert_str_eq(said.data, "a.o: b.h is newer\n");
}

Test(why, a_missing_target_is_rebuilt)
{
	built();
	fixdep(0);
	remove("a.o");
	cr_assert_eq(why("a.o", "mtime"), 1);
	cr_assert_str_eq(said.data, "a.o: missing\n");
}

Test(why, with_a_record_a_touched_header_is_not_a_reason)
{
	built();
	fixdep(1);
	tu_setmtime("b.h", 3000, 0);
	cr_assert_eq(why("a.o", "record"), 0);
	cr_assert_str_eq(said.data, "");
}

Test(why, with_a_record_changed_content_is_the_reason)
{
	built();
	fixdep(1);
	tu_write("b.h", "#define B 2\n");
	cr_assert_eq(why("a.o", "record"), 1);
	cr_assert_str_eq(said.data, "a.o: b.h content changed\n");
}

Test(why, with_a_record_a_newer_file_it_does_not_know_is_a_new_prerequisite)
{
	char *cmd;

	built();
	fixdep(1);
	tu_write("c.h", "#define C 1\n");
	tu_setmtime("c.h", 3000, 0);
	cmd = tu_read(".a.o.cmd", NULL);
	tu_write(".a.o.cmd", "");
	{
		char *p = strstr(cmd, "  b.h \\\n");
		struct kdep_buf b = {0};

		cr_assert(p);
		kdep_bufadd(&b, cmd, (size_t)(p - cmd));
		kdep_bufputs(&b, "  c.h \\\n");
		kdep_bufputs(&b, p);
		tu_write(".a.o.cmd", b.data);
		kdep_buffree(&b);
	}
	free(cmd);
	cr_assert_eq(why("a.o", "record"), 1);
	cr_assert_str_eq(said.data, "a.o: c.h is a new prerequisite (newer, "
				    "not in the record)\n");
}

Test(why, with_a_record_an_edited_cmd_line_is_the_reason)
{
	char *cmd;

	built();
	fixdep(1);
	cmd = tu_read(".a.o.cmd", NULL);
	memcpy(strstr(cmd, "cc -c"), "cc -C", 5);
	tu_write(".a.o.cmd", cmd);
	free(cmd);
	cr_assert_eq(why("a.o", "record"), 1);
	cr_assert_str_eq(said.data, "a.o: command line changed\n");
}

Test(why, a_target_without_a_cmd_file_is_an_error)
{
	struct kdep_checker *c = kdep_checker_new(0);
	struct kdep_buf how = {0};

	cr_assert_eq(kdep_why(c, "sub/nope.o", NULL, NULL, &how), KDEP_ENOENT);
	kdep_buffree(&how);
	cr_assert_str_eq(kdep_errmsg(), "error opening file: sub/.nope.o.cmd: "
					"No such file or directory");
	kdep_checker_free(c);
}
