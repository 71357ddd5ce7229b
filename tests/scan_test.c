/* scan_test.c - finding the CONFIG_ symbols a file uses (kdep_scan). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"
#include "testutil.h"

/* Collects "NAME," per symbol found. */
static int collect(void *ctx, const char *name, size_t len)
{
	struct kdep_buf *b = ctx;

	cr_assert_eq(kdep_bufprintf(b, "%.*s,", (int)len, name), 0);
	return 0;
}

static char *scann(const struct kdep_scanopts *o, const char *text,
		   size_t len)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_bufputs(&b, ""), 0);
	cr_assert_eq(kdep_scan(o, text, len, collect, &b), 0, "%s",
		     kdep_errmsg());
	return b.data;
}

static const struct kdep_scanopts modern = {NULL, 1};
static const struct kdep_scanopts old = {NULL, 0};

#define EXPECT(o, text, want)                                               \
	do {                                                                \
		char *got_ = scann(o, text, strlen(text));                  \
		cr_assert_str_eq(got_, want);                               \
		free(got_);                                                 \
	} while (0)

Test(scan, finds_every_use_in_order)
{
	EXPECT(&modern, "#if CONFIG_B && defined(CONFIG_A)\nCONFIG_B",
	       "B,A,B,");
}

Test(scan, name_stops_at_the_first_non_identifier_byte)
{
	EXPECT(&modern, "CONFIG_FOO-1 CONFIG_BAR.x CONFIG_Q9_z)", "FOO,BAR,Q9_z,");
}

Test(scan, boundary_check_skips_a_prefix_inside_an_identifier)
{
	EXPECT(&modern, "UML_CONFIG_QUX xCONFIG_A 9CONFIG_B CONFIG_C", "C,");
}

Test(scan, without_boundary_check_a_prefix_inside_an_identifier_counts)
{
	EXPECT(&old, "UML_CONFIG_QUX xCONFIG_A", "QUX,A,");
}

Test(scan, non_identifier_bytes_are_a_boundary)
{
	EXPECT(&modern, "(CONFIG_A)-CONFIG_B\xc3""CONFIG_C", "A,B,C,");
}

Test(scan, module_suffix_is_stripped)
{
	EXPECT(&modern, "CONFIG_X_MODULE", "X,");
}

Test(scan, config_module_is_the_symbol_module)
{
	EXPECT(&modern, "CONFIG_MODULE", "MODULE,");
}

Test(scan, config_underscore_module_is_dropped)
{
	EXPECT(&modern, "CONFIG__MODULE", "");
}

Test(scan, module_is_stripped_only_at_the_end)
{
	EXPECT(&modern, "CONFIG_X_MODULES CONFIG_X_MODULE_Y", "X_MODULES,X_MODULE_Y,");
}

Test(scan, empty_name_is_dropped)
{
	EXPECT(&modern, "CONFIG_ CONFIG_) CONFIG_", "");
}

Test(scan, prefix_after_a_match_starts_the_next_search_after_the_name)
{
	/* the name eats "CONFIG_B", as upstream's p = q does */
	EXPECT(&modern, "CONFIG_A_CONFIG_B", "A_CONFIG_B,");
}

Test(scan, skipped_match_resumes_after_the_prefix)
{
	EXPECT(&modern, "xCONFIG_CONFIG_A", "");
	EXPECT(&old, "xCONFIG_CONFIG_A", "CONFIG_A,");
}

Test(scan, nul_ends_the_text)
{
	const char text[] = "CONFIG_A\0CONFIG_B";
	char *got = scann(&modern, text, sizeof(text) - 1);

	cr_assert_str_eq(got, "A,");
	free(got);
}

Test(scan, explicit_length_ends_the_text)
{
	char *got = scann(&modern, "CONFIG_AB CONFIG_C", 8);

	cr_assert_str_eq(got, "A,");
	free(got);
}

Test(scan, null_options_mean_config_with_no_boundary_check)
{
	char *got = scann(NULL, "xCONFIG_A", 9);

	cr_assert_str_eq(got, "A,");
	free(got);
}

static const char *const bbox[] = {"CONFIG_", "ENABLE_", "IF_", "IF_NOT_",
				   NULL};
static const struct kdep_scanopts busybox = {bbox, 0};

Test(scan, every_prefix_is_searched)
{
	EXPECT(&busybox, "ENABLE_FEATURE_X IF_Y(x) CONFIG_Z", "FEATURE_X,Y,Z,");
}

Test(scan, longest_prefix_wins_at_the_same_position)
{
	EXPECT(&busybox, "IF_NOT_FEATURE_X(y)", "FEATURE_X,");
}

Test(scan, earliest_prefix_wins_over_a_longer_later_one)
{
	/* IF_ at 0 comes first, and its name takes in "CONFIG_A" */
	EXPECT(&busybox, "IF_CONFIG_A) ENABLE_B", "CONFIG_A,B,");
}

Test(scan, empty_prefix_is_refused)
{
	static const char *const bad[] = {"CONFIG_", "", NULL};
	struct kdep_scanopts o = {bad, 1};
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_scan(&o, "CONFIG_A", 8, collect, &b), KDEP_EDATA);
	kdep_buffree(&b);
}

Test(scan, many_prefixes_work)
{
	static const char *const many[] = {"P0_", "P1_", "P2_", "P3_", "P4_",
					   "P5_", "P6_", "P7_", "P8_", "P9_",
					   NULL};
	struct kdep_scanopts o = {many, 1};

	EXPECT(&o, "P9_A P0_B P5_C", "A,B,C,");
}

static int stopat2(void *ctx, const char *name, size_t len)
{
	int *n = ctx;

	(void)name;
	(void)len;
	return ++*n == 2 ? 42 : 0;
}

Test(scan, callback_result_stops_the_scan)
{
	int n = 0;

	cr_assert_eq(kdep_scan(&modern, "CONFIG_A CONFIG_B CONFIG_C", 26,
			       stopat2, &n),
		     42);
	cr_assert_eq(n, 2);
}

/*
 * The search works a block of 64 bytes at a time and the end of a text in
 * a padded copy: a match is found wherever it falls.
 */
Test(scan, a_match_is_found_at_every_offset_of_a_long_text)
{
	char text[300];
	size_t i;

	for (i = 0; i + 8 <= sizeof(text); i++) {
		char *got;

		memset(text, 'x', sizeof(text));
		text[i ? i - 1 : 0] = ' ';
		memcpy(text + i, "CONFIG_A", 8);
		if (i + 8 < sizeof(text))
			text[i + 8] = '-';
		got = scann(&modern, text, sizeof(text));
		cr_assert_str_eq(got, "A,", "at offset %zu", i);
		free(got);
	}
}

/* Built with SANITIZE=1, a read past the text fails this test. */
Test(scan, a_short_prefix_at_the_end_of_a_text_reads_nothing_past_it)
{
	static const char *const two[] = {"XY", NULL};
	struct kdep_scanopts o = {two, 0};
	size_t len;

	for (len = 2; len < 200; len++) {
		char *text = malloc(len), *got;

		cr_assert(text);
		memset(text, 'X', len);
		text[len - 1] = 'Y';
		got = scann(&o, text, len);
		cr_assert_str_eq(got, "", "length %zu", len);
		free(got);
		free(text);
	}
}

Test(scan, a_prefix_longer_than_a_block_is_found)
{
	static char pre[80];
	static const char *pres[] = {pre, NULL};
	struct kdep_scanopts o = {pres, 0};
	char text[200];
	char *got;

	memset(pre, 'P', sizeof(pre) - 1);
	memset(text, ' ', sizeof(text));
	memcpy(text + 90, pre, sizeof(pre) - 1);
	memcpy(text + 90 + sizeof(pre) - 1, "_NAME", 5);
	got = scann(&o, text, sizeof(text));
	cr_assert_str_eq(got, "_NAME,");
	free(got);
}

/* ---- name sets ---- */

Test(nameset, adds_a_name_once)
{
	struct kdep_nameset *s = kdep_nameset_new();

	cr_assert_not_null(s);
	cr_assert_eq(kdep_nameset_add(s, "FOO", 3), 1);
	cr_assert_eq(kdep_nameset_add(s, "FOO", 3), 0);
	cr_assert_eq(kdep_nameset_add(s, "FOOX", 3), 0);
	cr_assert_eq(kdep_nameset_add(s, "FO", 2), 1);
	kdep_nameset_free(s);
}

Test(nameset, names_differ_by_length_and_bytes)
{
	struct kdep_nameset *s = kdep_nameset_new();

	cr_assert_not_null(s);
	cr_assert_eq(kdep_nameset_add(s, "a\0b", 3), 1);
	cr_assert_eq(kdep_nameset_add(s, "a\0c", 3), 1);
	cr_assert_eq(kdep_nameset_add(s, "a", 1), 1);
	cr_assert_eq(kdep_nameset_add(s, "", 0), 1);
	cr_assert_eq(kdep_nameset_add(s, "", 0), 0);
	kdep_nameset_free(s);
}

Test(nameset, keeps_every_name_when_it_grows)
{
	struct kdep_nameset *s = kdep_nameset_new();
	char name[32];
	int i;

	cr_assert_not_null(s);
	for (i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof(name), "SYM_%d", i);

		cr_assert_eq(kdep_nameset_add(s, name, (size_t)n), 1);
	}
	for (i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof(name), "SYM_%d", i);

		cr_assert_eq(kdep_nameset_add(s, name, (size_t)n), 0, "%s",
			     name);
	}
	kdep_nameset_free(s);
}
