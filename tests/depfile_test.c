/*
 * depfile_test.c - the three depfile dialects, token by token.
 *
 * tokens() renders what the tokenizer returns as one string: a target is
 * "T(name)", the first prerequisite after a ':' "F(name)", any other
 * prerequisite "P(name)".
 */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"
#include "testutil.h"

/* Each token as T(target), F(first prerequisite) or P(prerequisite). */
static int spell(void *ctx, const struct kdep_token *t)
{
	char k = t->kind == KDEP_TOK_TARGET ? 'T' : t->first ? 'F' : 'P';

	cr_assert_eq(strlen(t->s), t->len, "token is NUL-terminated");
	cr_assert_eq(kdep_bufprintf(ctx, "%c(%.*s)", k, (int)t->len, t->s), 0);
	return 0;
}

static char *tokensn(enum kdep_dialect d, const char *text, size_t len)
{
	struct kdep_buf out = {0};
	char *data = malloc(len + 1);

	cr_assert_not_null(data);
	memcpy(data, text, len);
	data[len] = '\0';
	cr_assert_eq(kdep_bufputs(&out, ""), 0);
	cr_assert_eq(kdep_depparse(data, len, d, spell, &out), 0);
	free(data);
	return out.data;
}

static char *tokens(enum kdep_dialect d, const char *text)
{
	return tokensn(d, text, strlen(text));
}

#define EXPECT(d, text, want)                                               \
	do {                                                                \
		char *got_ = tokens(d, text);                               \
		cr_assert_str_eq(got_, want);                               \
		free(got_);                                                 \
	} while (0)
#define EXPECTN(d, text, len, want)                                         \
	do {                                                                \
		char *got_ = tokensn(d, text, len);                         \
		cr_assert_str_eq(got_, want);                               \
		free(got_);                                                 \
	} while (0)

#define KB KDEP_DIALECT_KBUILD
#define K63 KDEP_DIALECT_KBUILD63
#define MK KDEP_DIALECT_MAKE

/* ---- kbuild: fixdep up to Linux 6.2 ---- */

Test(kbuild, plain_rule_gives_target_then_prerequisites)
{
	EXPECT(KB, "a.o: a.c b.h \\\n c.h\n", "T(a.o)F(a.c)P(b.h)P(c.h)");
}

Test(kbuild, tab_and_cr_are_part_of_a_word)
{
	EXPECT(KB, "a.o: a.c\tb.h c.h\r\n", "T(a.o)F(a.c\tb.h)P(c.h\r)");
}

Test(kbuild, every_backslash_separates)
{
	EXPECT(KB, "a.o: x\\ y z\\w\n", "T(a.o)F(x)P(y)P(z)P(w)");
}

Test(kbuild, only_a_word_ending_in_colon_is_a_target)
{
	/* "a b: c": a is a prerequisite before any target */
	EXPECT(KB, "a b: c\n", "P(a)T(b)F(c)");
}

Test(kbuild, spaced_colon_makes_the_target_a_prerequisite)
{
	EXPECT(KB, "x : y\n", "P(x)T()F(y)");
}

Test(kbuild, missing_final_newline_still_ends_the_last_word)
{
	EXPECT(KB, "a.o: a.c b.h", "T(a.o)F(a.c)P(b.h)");
}

Test(kbuild, embedded_nul_ends_the_input)
{
	EXPECTN(KB, "a.o: a.c\0b.h\n", 13, "T(a.o)F(a.c)");
	EXPECTN(KB, "a.o: a.c \0 b.h\n", 15, "T(a.o)F(a.c)");
}

Test(kbuild, crlf_keeps_the_cr_in_the_word)
{
	EXPECT(KB, "a.o: a.c \\\r\n b.h\r\n", "T(a.o)F(a.c)P(\r)P(b.h\r)");
}

Test(kbuild, colon_inside_a_word_is_not_a_target)
{
	EXPECT(KB, "a.o: c:/x.h\n", "T(a.o)F(c:/x.h)");
}

Test(kbuild, hash_is_an_ordinary_byte)
{
	EXPECT(KB, "a.o: #x\n", "T(a.o)F(#x)");
}

Test(kbuild, empty_input_has_no_tokens)
{
	EXPECT(KB, "", "");
	EXPECT(KB, " \\\n \n", "");
}

/* ---- kbuild63: fixdep from Linux 6.3 ---- */

Test(kbuild63, first_word_after_colon_is_the_source)
{
	EXPECT(K63, "a.o: a.c b.h\n", "T(a.o)F(a.c)P(b.h)");
}

Test(kbuild63, comment_runs_to_the_end_of_the_line)
{
	EXPECT(K63, "# hi: x\na.o: a.c # b.h\n c.h\n",
	       "T(a.o)F(a.c)T(c.h)");
}

Test(kbuild63, escaped_newline_continues_a_comment)
{
	EXPECT(K63, "a.o: a.c # x \\\n b.h\n c.h\n", "T(a.o)F(a.c)T(c.h)");
}

Test(kbuild63, escaped_hash_and_colon_are_unescaped)
{
	EXPECT(K63, "a.o: a.c x\\#y w\\:z\n", "T(a.o)F(a.c)P(x#y)P(w:z)");
}

Test(kbuild63, escaped_space_stays_inside_the_word)
{
	EXPECT(K63, "a.o: a\\ b.c\n", "T(a.o)F(a\\ b.c)");
}

Test(kbuild63, other_escapes_are_kept_verbatim)
{
	EXPECT(K63, "a.o: a\\b\\\\c\n", "T(a.o)F(a\\b\\\\c)");
}

Test(kbuild63, every_word_before_the_colon_is_a_target)
{
	EXPECT(K63, "a b c: d e\n", "T(a)T(b)T(c)F(d)P(e)");
}

Test(kbuild63, tab_separates_words)
{
	EXPECT(K63, "a.o:\ta.c\tb.h\n", "T(a.o)F(a.c)P(b.h)");
}

Test(kbuild63, backslash_newline_is_a_space)
{
	EXPECT(K63, "a.o: a.c \\\n  b.h\\\nc.h\n", "T(a.o)F(a.c)P(b.h)P(c.h)");
}

Test(kbuild63, newline_starts_a_new_rule)
{
	EXPECT(K63, "a.o: a.c\nb.h:\nc.h\n", "T(a.o)F(a.c)T(b.h)T(c.h)");
}

Test(kbuild63, spaced_colon_still_ends_the_targets)
{
	EXPECT(K63, "x : y z\n", "T(x)F(y)P(z)");
}

Test(kbuild63, colon_splits_a_word)
{
	EXPECT(K63, "a.o:a.c b:c\n", "T(a.o)F(a.c)P(b)F(c)");
}

Test(kbuild63, cr_is_part_of_a_word)
{
	EXPECT(K63, "a.o: a.c\r\n", "T(a.o)F(a.c\r)");
}

Test(kbuild63, embedded_nul_ends_the_input)
{
	EXPECTN(K63, "a.o: a.c\0b.h\n", 13, "T(a.o)F(a.c)");
}

Test(kbuild63, final_backslash_stays_in_the_word)
{
	EXPECT(K63, "a.o: a.c\\", "T(a.o)F(a.c\\)");
}

Test(kbuild63, comment_ending_in_a_backslash_ends_the_input)
{
	EXPECT(K63, "a.o: a.c #x\\", "T(a.o)F(a.c)");
}

/* ---- make: what gcc and clang mean, with ninja's escapes ---- */

Test(make, odd_backslashes_before_a_space_escape_it)
{
	/* 2N+1 backslashes: N backslashes and a space inside the word */
	EXPECT(MK, "a.o: x\\ y\n", "T(a.o)F(x y)");
	EXPECT(MK, "a.o: x\\\\\\ y\n", "T(a.o)F(x\\ y)");
}

Test(make, even_backslashes_before_a_space_end_the_word)
{
	EXPECT(MK, "a.o: x\\\\ y\n", "T(a.o)F(x\\\\)P(y)");
}

Test(make, double_dollar_is_one_dollar)
{
	EXPECT(MK, "a.o: $$x$$\n", "T(a.o)F($x$)");
}

Test(make, escaped_hash_is_a_hash)
{
	EXPECT(MK, "a.o: x\\#y\n", "T(a.o)F(x#y)");
}

Test(make, hash_at_a_word_start_is_a_comment)
{
	EXPECT(MK, "a.o: a.c # b.h\n", "T(a.o)F(a.c)");
}

Test(make, escaped_colon_inside_a_word_is_a_colon)
{
	EXPECT(MK, "c\\:x.o: c\\:x.c\n", "T(c:x.o)F(c:x.c)");
}

Test(make, escaped_colon_before_whitespace_ends_the_targets)
{
	EXPECT(MK, "a.o\\: b.c\n", "T(a.o\\)F(b.c)");
}

Test(make, several_targets_then_prerequisites)
{
	EXPECT(MK, "a.o b.o : a.c b.h\n", "T(a.o)T(b.o)F(a.c)P(b.h)");
}

Test(make, tab_and_cr_separate)
{
	EXPECT(MK, "a.o:\ta.c\tb.h\r\n", "T(a.o)F(a.c)P(b.h)");
}

Test(make, crlf_ends_a_rule)
{
	EXPECT(MK, "a.o: a.c\r\nb.h:\r\n", "T(a.o)F(a.c)T(b.h)");
}

Test(make, backslash_crlf_continues_the_line)
{
	EXPECT(MK, "a.o: a.c \\\r\n b.h\r\n", "T(a.o)F(a.c)P(b.h)");
}

Test(make, backslash_newline_inside_a_word_ends_it)
{
	EXPECT(MK, "a.o: a.c\\\nb.h\n", "T(a.o)F(a.c)P(b.h)");
}

Test(make, nul_is_a_separator)
{
	EXPECTN(MK, "a.o: a.c\0b.h\n", 13, "T(a.o)F(a.c)P(b.h)");
}

Test(make, phony_header_rules_are_targets)
{
	EXPECT(MK, "a.o: a.c b.h\n\nb.h:\n", "T(a.o)F(a.c)P(b.h)T(b.h)");
}

Test(make, dollar_after_a_colon_is_not_a_colon)
{
	EXPECT(MK, "a.o: x:$$ y\n", "T(a.o)F(x:$)P(y)");
}

Test(make, two_backslashes_before_a_newline_are_text)
{
	/* ninja and make: targets foo.o and b, inputs a\\ and c */
	EXPECT(MK, "foo.o: a\\\\\nb: c\n", "T(foo.o)F(a\\\\)T(b)F(c)");
}

Test(make, one_backslash_before_a_newline_continues_the_line)
{
	EXPECT(MK, "foo.o: a\\\nb\n", "T(foo.o)F(a)P(b)");
}

Test(make, backslash_run_before_crlf_is_text)
{
	EXPECT(MK, "foo.o: a\\\\\\\r\nb\r\n", "T(foo.o)F(a\\\\\\)T(b)");
}

Test(make, escaped_tab_stays_in_the_word)
{
	EXPECT(MK, "foo.o: a\\\tb c\n", "T(foo.o)F(a\\\tb)P(c)");
}

/* printf %b's escapes, the ones tests/data/depfile-readers.txt uses */
static char *unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	const char *end = s + n;

	cr_assert_not_null(out);
	for (; s < end; s++) {
		if (*s != '\\' || s + 1 == end) {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		default: *o++ = *s; break;
		}
	}
	*o = '\0';
	return out;
}

/* Field i (0-based) of a tab-separated row, unescaped. */
static char *field(const char *row, int i)
{
	const char *e;

	for (; i > 0; i--) {
		row = strchr(row, '\t');
		cr_assert_not_null(row, "short row");
		row++;
	}
	e = strchr(row, '\t');
	return unescape(row, e ? (size_t)(e - row) : strlen(row));
}

Test(make, reads_the_readers_table_as_ninja_and_make_do)
{
	const char *top = getenv("KDEP_TOP");
	char *path, *table, *row, *next;
	int rows = 0;

	cr_assert(asprintf(&path, "%s/tests/data/depfile-readers.txt",
			   top && *top ? top : ".") > 0);
	table = tu_read(path, NULL);
	cr_assert_not_null(table, "%s: cannot read", path);
	for (row = table; *row; row = next) {
		char *text, *want, *what;

		next = strchr(row, '\n');
		next = next ? (*next = '\0', next + 1) : row + strlen(row);
		if (*row == '#' || *row == '\0')
			continue;
		text = field(row, 0);
		want = field(row, 1);
		what = field(row, 4);
		{
			char *got = tokens(MK, text);

			cr_expect_str_eq(got, want, "%s", what);
			free(got);
		}
		free(text);
		free(want);
		free(what);
		rows++;
	}
	cr_assert_gt(rows, 20);
	free(table);
	free(path);
}

/* ---- all dialects ---- */

static int addline(void *ctx, const struct kdep_token *t)
{
	struct kdep_buf *b = ctx;

	return kdep_bufprintf(b, "%u ", t->line);
}

Test(depfile, token_lines_count_from_one)
{
	char data[] = "a.o: a.c \\\n b.h\n";
	int d;

	for (d = KB; d <= MK; d++) {
		char copy[sizeof(data)];
		struct kdep_buf lines = {0};

		memcpy(copy, data, sizeof(data));
		cr_assert_eq(kdep_depparse(copy, sizeof(data) - 1,
					   (enum kdep_dialect)d, addline,
					   &lines),
			     0);
		cr_assert_str_eq(lines.data, "1 1 2 ", "dialect %d", d);
		kdep_buffree(&lines);
	}
}

static int none(void *ctx, const struct kdep_token *t)
{
	(void)ctx;
	(void)t;
	return 0;
}

Test(depfile, buffer_is_restored_between_tokens)
{
	char data[] = "a.o: a.c b.h";

	cr_assert_eq(kdep_depparse(data, sizeof(data) - 1, KB, none, NULL), 0);
	cr_assert_str_eq(data, "a.o: a.c b.h");
}

static int stopat2(void *ctx, const struct kdep_token *t)
{
	int *n = ctx;

	(void)t;
	return ++*n == 2 ? 7 : 0;
}

Test(depfile, a_non_zero_return_stops_the_parse_and_is_returned)
{
	char data[] = "a.o: a.c b.h c.h";
	int n = 0;

	cr_assert_eq(kdep_depparse(data, sizeof(data) - 1, MK, stopat2, &n), 7);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(data, "a.o: a.c b.h c.h");
}
