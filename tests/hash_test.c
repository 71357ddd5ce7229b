/* hash_test.c - XXH64 of buffers, streams and files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kdep.h"
#include "testutil.h"

#define PRIME32 UINT64_C(2654435761)
#define PRIME64 UINT64_C(11400714785074694797)
#define SANITY_LEN 2367

/*
 * xxHash's standard pseudo-random test buffer: byte i is the top byte of
 * PRIME32 * PRIME64^i (mod 2^64).
 */
static void fillsanity(unsigned char *b, size_t n)
{
	uint64_t gen = PRIME32;

	for (size_t i = 0; i < n; i++) {
		b[i] = (unsigned char)(gen >> 56);
		gen *= PRIME64;
	}
}

struct vec {
	size_t len;
	uint64_t seed;
	uint64_t want;
};

/*
 * Expected values from xxHash: lengths 0-222 are the XXH64 table of
 * cli/xsum_sanity_check.c (XSUM_XXH64_testdata), 2367 (the whole buffer,
 * many stripes) is from tests/sanity_test_vectors.h.
 */
static const struct vec sanity[] = {
	{0, 0, UINT64_C(0xEF46DB3751D8E999)},
	{0, PRIME32, UINT64_C(0xAC75FDA2929B17EF)},
	{1, 0, UINT64_C(0xE934A84ADB052768)},
	{1, PRIME32, UINT64_C(0x5014607643A9B4C3)},
	{4, 0, UINT64_C(0x9136A0DCA57457EE)},
	{14, 0, UINT64_C(0x8282DCC4994E35C8)},
	{14, PRIME32, UINT64_C(0xC3BD6BF63DEB6DF0)},
	{222, 0, UINT64_C(0xB641AE8CB691C174)},
	{222, PRIME32, UINT64_C(0x20CB8AB7AE10C14A)},
	{2367, 0, UINT64_C(0xA82418DDEC0EA581)},
	{2367, PRIME32, UINT64_C(0xA36A93C18052673A)},
};

#define NSANITY (sizeof(sanity) / sizeof(sanity[0]))

/* The well-known XXH64 values of short strings, seed 0. */
Test(hash, empty_input_seed_0)
{
	cr_assert_eq(kdep_hash("", 0, 0), UINT64_C(0xEF46DB3751D8E999));
}

Test(hash, empty_input_null_pointer)
{
	cr_assert_eq(kdep_hash(NULL, 0, 0), UINT64_C(0xEF46DB3751D8E999));
}

Test(hash, single_letter_a)
{
	cr_assert_eq(kdep_hash("a", 1, 0), UINT64_C(0xD24EC4F1A98C6E5B));
}

Test(hash, abc)
{
	cr_assert_eq(kdep_hash("abc", 3, 0), UINT64_C(0x44BC2CF5AD770999));
}

Test(hash, sanity_vectors_one_shot)
{
	unsigned char b[SANITY_LEN];

	fillsanity(b, sizeof(b));
	for (size_t i = 0; i < NSANITY; i++) {
		uint64_t got = kdep_hash(b, sanity[i].len, sanity[i].seed);

		cr_expect_eq(got, sanity[i].want,
			     "len %zu seed %llu: got %016llx want %016llx",
			     sanity[i].len, (unsigned long long)sanity[i].seed,
			     (unsigned long long)got,
			     (unsigned long long)sanity[i].want);
	}
}

Test(hash, sanity_vectors_fed_one_byte_at_a_time)
{
	unsigned char b[SANITY_LEN];
	struct kdep_hashstate h;

	fillsanity(b, sizeof(b));
	for (size_t i = 0; i < NSANITY; i++) {
		kdep_hashinit(&h, sanity[i].seed);
		for (size_t j = 0; j < sanity[i].len; j++)
			kdep_hashupdate(&h, b + j, 1);
		cr_expect_eq(kdep_hashfinal(&h), sanity[i].want,
			     "len %zu seed %llu", sanity[i].len,
			     (unsigned long long)sanity[i].seed);
	}
}

Test(hash, unaligned_input_gives_the_same_hash)
{
	unsigned char b[SANITY_LEN + 8];

	for (size_t off = 1; off < 8; off++) {
		fillsanity(b + off, SANITY_LEN);
		cr_expect_eq(kdep_hash(b + off, SANITY_LEN, 0),
			     UINT64_C(0xA82418DDEC0EA581), "offset %zu", off);
	}
}

Test(hash, seed_changes_the_hash)
{
	cr_assert_neq(kdep_hash("abc", 3, 0), kdep_hash("abc", 3, 1));
}

Test(hash, streaming_split_at_every_offset_equals_one_shot)
{
	unsigned char b[100];
	static const uint64_t seeds[] = {0, PRIME32};
	struct kdep_hashstate h;

	fillsanity(b, sizeof(b));
	for (size_t k = 0; k < 2; k++) {
		uint64_t seed = seeds[k], want = kdep_hash(b, sizeof(b), seed);

		for (size_t i = 0; i <= sizeof(b); i++) {
			kdep_hashinit(&h, seed);
			kdep_hashupdate(&h, b, i);
			kdep_hashupdate(&h, b + i, sizeof(b) - i);
			cr_expect_eq(kdep_hashfinal(&h), want,
				     "split at %zu, seed %llu", i,
				     (unsigned long long)seed);
		}
	}
}

Test(hash, streaming_three_way_splits_equal_one_shot)
{
	unsigned char b[100];
	struct kdep_hashstate h;
	uint64_t want;

	fillsanity(b, sizeof(b));
	want = kdep_hash(b, sizeof(b), 0);
	for (size_t i = 0; i <= sizeof(b); i++) {
		for (size_t j = i; j <= sizeof(b); j++) {
			kdep_hashinit(&h, 0);
			kdep_hashupdate(&h, b, i);
			kdep_hashupdate(&h, b + i, j - i);
			kdep_hashupdate(&h, b + j, sizeof(b) - j);
			cr_expect_eq(kdep_hashfinal(&h), want, "splits %zu %zu",
				     i, j);
		}
	}
}

Test(hash, final_does_not_consume_the_state)
{
	struct kdep_hashstate h;

	kdep_hashinit(&h, 0);
	kdep_hashupdate(&h, "ab", 2);
	cr_assert_eq(kdep_hashfinal(&h), kdep_hash("ab", 2, 0));
	kdep_hashupdate(&h, "c", 1);
	cr_assert_eq(kdep_hashfinal(&h), UINT64_C(0x44BC2CF5AD770999));
}

/* ---- kdep_hashfile ---------------------------------------------------- */

static struct kdep_buf file;

static void mktmp(void)
{
	tu_intmp();
	cr_assert_eq(kdep_bufprintf(&file, "%s/f", tu_tmp()), 0);
}

static void rmtmp(void)
{
	tu_outtmp();
	kdep_buffree(&file);
}

TestSuite(hashfile, .init = mktmp, .fini = rmtmp);

Test(hashfile, equals_hash_of_the_same_bytes)
{
	/* Several read chunks plus a tail that is not a whole stripe. */
	size_t n = 3 * 64 * 1024 + 4097;
	unsigned char *b = malloc(n);
	uint64_t got = 0;

	cr_assert_not_null(b);
	fillsanity(b, n);
	tu_writen(file.data, b, n);
	cr_assert_eq(kdep_hashfile(file.data, &got, NULL), 0, "%s",
		     kdep_errmsg());
	cr_assert_eq(got, kdep_hash(b, n, 0));
	free(b);
}

Test(hashfile, empty_file_hashes_like_empty_input)
{
	uint64_t got = 0;

	tu_writen(file.data, "", 0);
	cr_assert_eq(kdep_hashfile(file.data, &got, NULL), 0, "%s",
		     kdep_errmsg());
	cr_assert_eq(got, UINT64_C(0xEF46DB3751D8E999));
}

Test(hashfile, fills_in_the_stat_data)
{
	struct stat st, want;
	uint64_t got;

	tu_writen(file.data, "abc", 3);
	cr_assert_eq(stat(file.data, &want), 0);
	cr_assert_eq(kdep_hashfile(file.data, &got, &st), 0, "%s",
		     kdep_errmsg());
	cr_assert_eq(st.st_size, 3);
	cr_assert_eq(st.st_ino, want.st_ino);
	cr_assert_eq(st.st_dev, want.st_dev);
}

Test(hashfile, missing_file_is_an_io_error_naming_the_path)
{
	uint64_t got;

	cr_assert_eq(kdep_hashfile(file.data, &got, NULL), KDEP_ENOENT);
	cr_assert_not_null(strstr(kdep_errmsg(), file.data), "message: %s",
			   kdep_errmsg());
	cr_assert_not_null(strstr(kdep_errmsg(), "No such file"), "message: %s",
			   kdep_errmsg());
}

Test(hashfile, directory_is_an_io_error_naming_the_path)
{
	const char *dir = tu_tmp();
	uint64_t got;

	cr_assert_eq(kdep_hashfile(dir, &got, NULL), KDEP_EIO);
	cr_assert_not_null(strstr(kdep_errmsg(), dir), "message: %s",
			   kdep_errmsg());
}

Test(hashfile, fifo_is_refused_without_waiting_for_a_writer, .timeout = 10)
{
	uint64_t got;

	cr_assert_eq(mkfifo(file.data, 0600), 0, "mkfifo: %s", strerror(errno));
	cr_assert_eq(kdep_hashfile(file.data, &got, NULL), KDEP_EIO);
	cr_assert_not_null(strstr(kdep_errmsg(), file.data), "message: %s",
			   kdep_errmsg());
}
