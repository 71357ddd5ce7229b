/* stamp_test.c - symbol names to stamp paths (kdep_stamppath, kdep_isname). */
#include <criterion/criterion.h>
#include <string.h>

#include "kdep.h"
#include "testutil.h"

/* The path of name (a string) under dir, or NULL if refused. */
static char *stamp(const char *dir, const char *name, enum kdep_layout l)
{
	struct kdep_buf b = {0};

	if (kdep_stamppath(&b, dir, name, strlen(name), l) < 0) {
		kdep_buffree(&b);
		return NULL;
	}
	return b.data;
}

static void expect(const char *dir, const char *name, enum kdep_layout l,
		   const char *want)
{
	char *got = stamp(dir, name, l);

	cr_assert_not_null(got, "%s refused: %s", name, kdep_errmsg());
	cr_assert_str_eq(got, want);
	free(got);
}

/* A refused name leaves out exactly as it was and says why. */
static void refused(const char *name, size_t len, enum kdep_layout l)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_bufputs(&b, "keep"), 0);
	cr_assert_eq(kdep_stamppath(&b, "include/config", name, len, l),
		     KDEP_EDATA);
	cr_assert_eq(b.len, 4);
	cr_assert_str_eq(b.data, "keep");
	cr_assert_neq(kdep_errmsg()[0], '\0');
	kdep_buffree(&b);
}

Test(stamp, split_lowercases_and_turns_underscores_into_folders)
{
	expect(NULL, "HIS_DRIVER", KDEP_SPLIT, "his/driver.h");
}

Test(stamp, split_collapses_a_double_underscore)
{
	expect(NULL, "FOO__BAR", KDEP_SPLIT, "foo/bar.h");
}

Test(stamp, split_drops_leading_underscores)
{
	expect(NULL, "__put_user_2", KDEP_SPLIT, "put/user/2.h");
	expect(NULL, "__X", KDEP_SPLIT, "x.h");
}

Test(stamp, split_keeps_a_trailing_underscore_as_a_slash)
{
	expect(NULL, "TRAIL_", KDEP_SPLIT, "trail/.h");
}

Test(stamp, split_keeps_digits_and_lowercase)
{
	expect(NULL, "64bit_x86", KDEP_SPLIT, "64bit/x86.h");
}

Test(stamp, split_spells_the_seed_ksym_path_of_clear_user_once)
{
	/* The scripts touched include/config/ksym///clear/user.h. */
	expect("include/config", "KSYM___clear_user", KDEP_SPLIT,
	       "include/config/ksym/clear/user.h");
}

Test(stamp, flat_keeps_the_name_as_is)
{
	expect(NULL, "FOO__Bar_", KDEP_FLAT, "FOO__Bar_");
}

Test(stamp, dir_is_prefixed_with_one_slash)
{
	expect("include/config", "FOO_BAR", KDEP_FLAT,
	       "include/config/FOO_BAR");
	expect("include/config", "FOO_BAR", KDEP_SPLIT,
	       "include/config/foo/bar.h");
}

Test(stamp, empty_dir_means_no_prefix)
{
	expect("", "FOO", KDEP_FLAT, "FOO");
}

Test(stamp, path_is_appended_to_what_the_buffer_holds)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_bufputs(&b, "x "), 0);
	cr_assert_eq(kdep_stamppath(&b, "d", "A_B", 3, KDEP_SPLIT), 0);
	cr_assert_str_eq(b.data, "x d/a/b.h");
	cr_assert_eq(b.len, strlen("x d/a/b.h"));
	kdep_buffree(&b);
}

Test(stamp, length_is_explicit_not_up_to_a_nul)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_stamppath(&b, NULL, "FOOBAR", 3, KDEP_FLAT), 0);
	cr_assert_str_eq(b.data, "FOO");
	kdep_buffree(&b);
}

Test(stamp, empty_name_is_refused)
{
	refused("", 0, KDEP_FLAT);
	refused("", 0, KDEP_SPLIT);
}

Test(stamp, name_with_a_slash_is_refused)
{
	refused("a/b", 3, KDEP_FLAT);
	refused("a/b", 3, KDEP_SPLIT);
}

Test(stamp, dot_dot_is_refused)
{
	refused("..", 2, KDEP_FLAT);
}

Test(stamp, name_with_a_space_is_refused)
{
	refused("a b", 3, KDEP_FLAT);
}

Test(stamp, embedded_nul_is_refused)
{
	refused("AB\0C", 4, KDEP_FLAT);
	refused("AB\0C", 4, KDEP_SPLIT);
}

Test(stamp, high_bytes_are_refused)
{
	refused("A\x80", 2, KDEP_FLAT);
	refused("\xc3\xa9", 2, KDEP_SPLIT);
}

Test(stamp, isname_accepts_identifiers_only)
{
	cr_assert(kdep_isname("Foo_9", 5));
	cr_assert(kdep_isname("_", 1));
	cr_assert_not(kdep_isname("", 0));
	cr_assert_not(kdep_isname("a-b", 3));
	cr_assert_not(kdep_isname("a.b", 3));
	cr_assert_not(kdep_isname("a\0", 2));
	cr_assert_not(kdep_isname("\xff", 1));
}
