/*
 * cache_test.c - the scan cache gives the answers a fresh scan gives,
 * whatever happened to the files or to the cache itself.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

TestSuite(cache, .init = tu_intmp, .fini = tu_outtmp);

static int addname(void *ctx, const char *name, size_t len)
{
	struct kdep_buf *b = ctx;

	cr_assert_eq(kdep_bufadd(b, name, len), 0);
	cr_assert_eq(kdep_bufadd(b, " ", 1), 0);
	return 0;
}

/* The symbols the cache says path uses, space-separated (malloc'd). */
static char *scan(const char *path, const struct kdep_scanopts *o,
		  uint64_t *hash)
{
	struct kdep_cache *c;
	struct kdep_buf b = {0};
	struct stat st;
	uint64_t h;

	cr_assert_eq(kdep_cache_open(&c, "cache", o), 0, "%s", kdep_errmsg());
	cr_assert_eq(kdep_bufputs(&b, ""), 0);
	cr_assert_eq(kdep_cache_scan(c, path, addname, &b, &h, &st), 0, "%s",
		     kdep_errmsg());
	kdep_cache_close(c);
	if (hash)
		*hash = h;
	return b.data;
}

static const struct kdep_scanopts opts = {NULL, 1};

Test(cache, lists_each_symbol_once_in_first_use_order)
{
	char *s;

	tu_write("a.h", "CONFIG_B CONFIG_A CONFIG_B CONFIG_C_MODULE x_CONFIG_D");
	s = scan("a.h", &opts, NULL);
	cr_assert_str_eq(s, "B A C ");
	free(s);
}

Test(cache, warm_answer_equals_cold_answer)
{
	char *cold, *warm;
	uint64_t h1, h2;

	tu_write("a.h", "#if CONFIG_FOO\n#endif\nCONFIG_BAR\n");
	cold = scan("a.h", &opts, &h1);
	warm = scan("a.h", &opts, &h2);
	cr_assert_str_eq(cold, warm);
	cr_assert_eq(h1, h2);
	free(cold);
	free(warm);
}

Test(cache, content_hash_is_the_files_xxh64)
{
	const char *text = "CONFIG_FOO\n";
	uint64_t h;

	tu_write("a.h", text);
	free(scan("a.h", &opts, &h));
	free(scan("a.h", &opts, &h));
	cr_assert_eq(h, kdep_hash(text, strlen(text), 0));
}

Test(cache, same_size_edit_with_restored_mtime_is_rescanned)
{
	char *s;

	tu_write("a.h", "CONFIG_AAA\n");
	tu_setmtime("a.h", 1000, 0);
	free(scan("a.h", &opts, NULL));
	free(scan("a.h", &opts, NULL));
	tu_write("a.h", "CONFIG_BBB\n");
	tu_setmtime("a.h", 1000, 0);
	s = scan("a.h", &opts, NULL);
	cr_assert_str_eq(s, "BBB ");
	free(s);
}

Test(cache, touched_file_keeps_its_symbols)
{
	char *s;

	tu_write("a.h", "CONFIG_AAA\n");
	free(scan("a.h", &opts, NULL));
	tu_setmtime("a.h", 5000, 0);
	s = scan("a.h", &opts, NULL);
	cr_assert_str_eq(s, "AAA ");
	free(s);
}

Test(cache, scan_options_do_not_share_entries)
{
	static const char *const bb[] = {"CONFIG_", "ENABLE_", NULL};
	const struct kdep_scanopts busybox = {bb, 1};
	char *s;

	tu_write("a.h", "CONFIG_A ENABLE_B\n");
	free(scan("a.h", &opts, NULL));
	s = scan("a.h", &busybox, NULL);
	cr_assert_str_eq(s, "A B ");
	free(s);
}

Test(cache, garbage_cache_file_is_replaced)
{
	char *s;

	tu_write("cache/scan.idx", "this is not a cache");
	tu_write("a.h", "CONFIG_AAA\n");
	s = scan("a.h", &opts, NULL);
	cr_assert_str_eq(s, "AAA ");
	free(s);
	s = scan("a.h", &opts, NULL);
	cr_assert_str_eq(s, "AAA ");
	free(s);
}

/* Where the entries start in a cache file: header and slots (cache.c). */
#define DATA (24 + 65536 * 4)

/* A cache holding the one entry of a.h; its bytes, their count in *len. */
static char *onecached(size_t *len)
{
	char *idx;

	tu_write("a.h", "CONFIG_AAA\n");
	tu_setmtime("a.h", 1000, 0);
	free(scan("a.h", &opts, NULL));
	idx = tu_read("cache/scan.idx", len);
	cr_assert_gt(*len, DATA);
	return idx;
}

/* Flip every byte of the data area in turn: answers must not change. */
Test(cache, damaged_entries_are_never_believed)
{
	size_t len, i, hdr = DATA;
	char *idx = onecached(&len), *s;

	for (i = hdr; i < len; i++) {
		idx[i] ^= 0x55;
		tu_writen("cache/scan.idx", idx, len);
		s = scan("a.h", &opts, NULL);
		cr_assert_str_eq(s, "AAA ", "byte %zu flipped", i - hdr);
		free(s);
		idx[i] ^= 0x55;
	}
	free(idx);
}

/* Point every slot into the middle of an entry, or past the end. */
Test(cache, damaged_slots_are_never_believed)
{
	size_t len, i, k, hdr = DATA;
	char *idx = onecached(&len), *s;

	/* inside the key, checksum, lengths; at and past the end */
	size_t at[] = {1, 7, 8, 15, 16, 84, 88, 96, len - hdr - 1, len - hdr,
		       len - hdr + 4};
	for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		uint32_t off = (uint32_t)(hdr + at[k]);

		for (i = 24; i < hdr; i += 4)
			memcpy(idx + i, &off, 4);
		tu_writen("cache/scan.idx", idx, len);
		s = scan("a.h", &opts, NULL);
		cr_assert_str_eq(s, "AAA ", "slots at entry byte %zu", at[k]);
		free(s);
	}
	free(idx);
}

Test(cache, truncated_cache_file_is_replaced)
{
	size_t len;
	char *idx, *s;

	tu_write("a.h", "CONFIG_AAA\n");
	free(scan("a.h", &opts, NULL));
	idx = tu_read("cache/scan.idx", &len);
	tu_writen("cache/scan.idx", idx, len / 3);
	free(idx);
	s = scan("a.h", &opts, NULL);
	cr_assert_str_eq(s, "AAA ");
	free(s);
}

Test(cache, missing_file_is_an_error_naming_it)
{
	struct kdep_cache *c;
	struct kdep_buf b = {0};
	struct stat st;
	uint64_t h;

	cr_assert_eq(kdep_cache_open(&c, "cache", &opts), 0);
	cr_assert_eq(kdep_cache_scan(c, "nope.h", addname, &b, &h, &st),
		     KDEP_ENOENT);
	cr_assert_str_eq(kdep_errmsg(),
			 "error opening file: nope.h: No such file or directory");
	kdep_cache_close(c);
}

Test(cache, fixdep_output_is_the_same_with_and_without_cache)
{
	char *tool = tu_tool("fixdep"), *cmd;
	char *plain = NULL, *cold = NULL, *warm = NULL;

	tu_write("a.c", "#include \"a.h\"\nCONFIG_X CONFIG_Y_MODULE\n");
	tu_write("a.h", "CONFIG_Y CONFIG_Z\n");
	tu_write("b.h", "CONFIG_X CONFIG_W\n");
	tu_write(".a.o.d", "a.o: a.c a.h b.h\n");
	cr_assert(asprintf(&cmd, "%s --compat=linux-6.3 .a.o.d a.o cc", tool) >
		  0);
	cr_assert_eq(tu_run(cmd, NULL, &plain, NULL), 0);
	setenv("KDEP_CACHE", "cache", 1);
	cr_assert_eq(tu_run(cmd, NULL, &cold, NULL), 0);
	cr_assert_eq(tu_run(cmd, NULL, &warm, NULL), 0);
	unsetenv("KDEP_CACHE");
	cr_assert_str_eq(plain, cold);
	cr_assert_str_eq(plain, warm);
	cr_assert_eq(access("cache/scan.idx", F_OK), 0);
	free(tool);
	free(cmd);
	free(plain);
	free(cold);
	free(warm);
}

Test(cache, off_by_default_so_nothing_new_is_written)
{
	char *tool = tu_tool("fixdep"), *cmd;

	tu_write("a.c", "CONFIG_X\n");
	tu_write(".a.o.d", "a.o: a.c\n");
	unsetenv("KDEP_CACHE");
	cr_assert(asprintf(&cmd, "%s .a.o.d a.o cc > out", tool) > 0);
	cr_assert_eq(tu_run(cmd, NULL, NULL, NULL), 0);
	cr_assert_eq(access("cache", F_OK), -1);
	free(tool);
	free(cmd);
}

/* ---- folder listings: which stamps exist ---- */

static int logstamp(void *ctx, const struct kdep_seen *s)
{
	if (s->kind == KDEP_SEEN_STAMP)
		cr_assert_eq(kdep_bufprintf(ctx, "%s:%s ", s->path,
					    s->st ? "yes" : "no"),
			     0);
	return 0;
}

/* Run fixdep on a.o with the cache; the stamps it saw, and whether. */
static char *stamps(void)
{
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0}, log = {0};
	struct kdep_cache *c;

	f.prof = kdep_profile("linux-6.3");
	f.depfile = "a.d";
	f.target = "a.o";
	f.cmdline = "cc";
	f.seen = logstamp;
	f.seenctx = &log;
	cr_assert_eq(kdep_cache_open(&c, "cache", &f.prof->scan), 0);
	f.cache = c;
	cr_assert_eq(kdep_bufputs(&log, ""), 0);
	cr_assert_eq(kdep_fixdep(&f, &out), 0, "%s", kdep_errmsg());
	kdep_cache_close(c);
	kdep_buffree(&out);
	return log.data;
}

static off_t cachesize(void)
{
	struct stat st;

	cr_assert_eq(stat("cache/scan.idx", &st), 0);
	return st.st_size;
}

Test(cache, stamp_listing_is_reused_while_the_folder_is_unchanged)
{
	char *s;
	off_t size;

	tu_write("a.c", "CONFIG_A CONFIG_B\n");
	tu_write("a.d", "a.o: a.c\n");
	tu_write("include/config/A", "");
	tu_settle("include/config/A");
	s = stamps();
	cr_assert_str_eq(s, "include/config/A:yes include/config/B:no ");
	free(s);
	size = cachesize();
	s = stamps();
	cr_assert_str_eq(s, "include/config/A:yes include/config/B:no ");
	cr_assert_eq(cachesize(), size, "listed again, not reused");
	free(s);
}

Test(cache, stamp_listing_follows_the_folder)
{
	char *s;

	tu_write("a.c", "CONFIG_A CONFIG_B\n");
	tu_write("a.d", "a.o: a.c\n");
	tu_write("include/config/A", "");
	tu_settle("include/config/A");
	free(stamps());
	tu_write("include/config/B", "");
	s = stamps();
	cr_assert_str_eq(s, "include/config/A:yes include/config/B:yes ");
	free(s);
	unlink("include/config/A");
	s = stamps();
	cr_assert_str_eq(s, "include/config/A:no include/config/B:yes ");
	free(s);
}

Test(cache, a_listing_is_never_taken_for_a_file)
{
	struct kdep_cache *c;
	struct kdep_buf b = {0};
	struct stat st;
	uint64_t h;

	tu_write("a.c", "CONFIG_A\n");
	tu_write("a.d", "a.o: a.c\n");
	tu_write("include/config/A", "");
	tu_settle("include/config/A");
	free(stamps());
	/* the listing's own key: the folder's path with '/' appended */
	cr_assert_eq(kdep_cache_open(&c, "cache", &opts), 0);
	cr_assert_lt(kdep_cache_scan(c, "include/config/", addname, &b, &h,
				     &st),
		     0, "a folder read as a file: %s", b.data);
	kdep_cache_close(c);
	kdep_buffree(&b);
}
