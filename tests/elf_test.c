/*
 * elf_test.c - reading the symbols nm lists from ELF objects: both classes
 * and byte orders (hand-built here), real objects from the compiler, and
 * damaged files, which must be refused without reading out of bounds.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kdep.h"
#include "testutil.h"

/* ---- a minimal ELF writer: .symtab, .strtab, .shstrtab ------------------- */

struct sym {
	const char *name;
	int type; /* STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file */
};

struct img {
	unsigned char *p;
	size_t len;
	int is64, be;
};

static void put(struct img *m, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++) {
		int k = m->be ? n - 1 - i : i;

		m->p[off + (size_t)k] = (unsigned char)(v >> (8 * i));
	}
}

/*
 * Build an object with the given symbols (after the null symbol).
 * Layout: header | strtab | shstrtab | symtab | section headers.
 */
static struct img build(int is64, int be, const struct sym *syms, size_t n)
{
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab";
	struct img m = {NULL, 0, is64, be};
	size_t ehsize = is64 ? 64 : 52, symsize = is64 ? 24 : 16;
	size_t shsize = is64 ? 64 : 40, strsize = 1, i, off;

	for (i = 0; i < n; i++)
		strsize += strlen(syms[i].name) + 1;
	size_t stroff = ehsize, shstroff = stroff + strsize;
	size_t symoff = (shstroff + sizeof(shstr) + 7) & ~(size_t)7;
	size_t shoff = symoff + (n + 1) * symsize;

	m.len = shoff + 4 * shsize;
	m.p = calloc(1, m.len);
	cr_assert(m.p);
	memcpy(m.p, "\177ELF", 4);
	m.p[4] = is64 ? 2 : 1;
	m.p[5] = be ? 2 : 1;
	m.p[6] = 1;
	put(&m, 16, 1, 2); /* ET_REL */
	if (is64) {
		put(&m, 40, shoff, 8);
		put(&m, 52, ehsize, 2);
		put(&m, 58, shsize, 2);
		put(&m, 60, 4, 2);
		put(&m, 62, 3, 2);
	} else {
		put(&m, 32, shoff, 4);
		put(&m, 40, ehsize, 2);
		put(&m, 46, shsize, 2);
		put(&m, 48, 4, 2);
		put(&m, 50, 3, 2);
	}
	off = 1;
	for (i = 0; i < n; i++) {
		size_t s = symoff + (i + 1) * symsize;

		strcpy((char *)m.p + stroff + off, syms[i].name);
		put(&m, s, off, 4);
		m.p[s + (is64 ? 4 : 12)] = (unsigned char)syms[i].type;
		off += strlen(syms[i].name) + 1;
	}
	memcpy(m.p + shstroff, shstr, sizeof(shstr));
	/* section headers 1..3: name, type, offset, size, link, entsize */
	struct {
		uint64_t name, type, offset, size, link, entsize;
	} sh[4] = {
	    {0, 0, 0, 0, 0, 0},
	    {1, 2, symoff, (n + 1) * symsize, 2, symsize},
	    {9, 3, stroff, strsize, 0, 0},
	    {17, 3, shstroff, sizeof(shstr), 0, 0},
	};
	for (i = 1; i < 4; i++) {
		size_t b = shoff + i * shsize;
		int w = is64 ? 8 : 4;

		put(&m, b, sh[i].name, 4);
		put(&m, b + 4, sh[i].type, 4);
		put(&m, b + (is64 ? 24 : 16), sh[i].offset, w);
		put(&m, b + (is64 ? 32 : 20), sh[i].size, w);
		put(&m, b + (is64 ? 40 : 24), sh[i].link, 4);
		put(&m, b + (is64 ? 56 : 36), sh[i].entsize, w);
	}
	return m;
}

/* Collects names as "a,b,c". */
static int collect(void *ctx, const char *name, size_t len)
{
	struct kdep_buf *b = ctx;

	cr_assert_eq(name[len], '\0', "names are NUL-terminated");
	if (b->len)
		kdep_bufadd(b, ",", 1);
	kdep_bufadd(b, name, len);
	return 0;
}

static const struct sym mixed[] = {
    {"k.c", 4},
    {".discard.ksym", 3},
    {"__ksym_marker_foo", 1},
    {"exported_function", 2},
    {"printk", 0},
};

static void expect_names(int is64, int be)
{
	struct img m = build(is64, be, mixed, 5);
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_elf_symbols(m.p, m.len, "t.o", collect, &b), 0, "%s",
		     kdep_errmsg());
	cr_assert_str_eq(b.data, "__ksym_marker_foo,exported_function,printk");
	kdep_buffree(&b);
	free(m.p);
}

Test(elf, reads_little_endian_elf64)
{
	expect_names(1, 0);
}

Test(elf, reads_big_endian_elf64)
{
	expect_names(1, 1);
}

Test(elf, reads_little_endian_elf32)
{
	expect_names(0, 0);
}

Test(elf, reads_big_endian_elf32)
{
	expect_names(0, 1);
}

Test(elf, skips_section_and_file_symbols_as_nm_does)
{
	static const struct sym only[] = {{"a.c", 4}, {".text", 3}};
	struct img m = build(1, 0, only, 2);
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_elf_symbols(m.p, m.len, "t.o", collect, &b), 0);
	cr_assert_eq(b.len, 0);
	kdep_buffree(&b);
	free(m.p);
}

static int stop(void *ctx, const char *name, size_t len)
{
	(void)name;
	(void)len;
	++*(int *)ctx;
	return 42;
}

Test(elf, a_nonzero_callback_result_stops_the_walk)
{
	struct img m = build(1, 0, mixed, 5);
	int calls = 0;

	cr_assert_eq(kdep_elf_symbols(m.p, m.len, "t.o", stop, &calls), 42);
	cr_assert_eq(calls, 1);
	free(m.p);
}

Test(elf, extended_section_count_is_read_from_section_zero)
{
	struct img m = build(1, 0, mixed, 5);
	struct kdep_buf b = {0};
	uint64_t shoff = 0;

	for (int i = 7; i >= 0; i--)
		shoff = shoff << 8 | m.p[40 + i];
	put(&m, 60, 0, 2);		   /* e_shnum = 0 */
	put(&m, (size_t)shoff + 32, 4, 8); /* section 0's sh_size = 4 */
	cr_assert_eq(kdep_elf_symbols(m.p, m.len, "t.o", collect, &b), 0, "%s",
		     kdep_errmsg());
	cr_assert_str_eq(b.data, "__ksym_marker_foo,exported_function,printk");
	kdep_buffree(&b);
	free(m.p);
}

Test(elf, an_object_without_sections_has_no_symbols)
{
	struct img m = build(1, 0, mixed, 5);
	struct kdep_buf b = {0};

	put(&m, 40, 0, 8); /* e_shoff = 0 */
	cr_assert_eq(kdep_elf_symbols(m.p, m.len, "t.o", collect, &b), 0);
	cr_assert_eq(b.len, 0);
	kdep_buffree(&b);
	free(m.p);
}

/* ---- refusals ------------------------------------------------------------ */

static void expect_error(const void *p, size_t len, const char *needle)
{
	struct kdep_buf b = {0};
	int r = kdep_elf_symbols(p, len, "dir/bad.o", collect, &b);

	cr_assert_eq(r, KDEP_EDATA, "want an error, got %d", r);
	cr_assert(strncmp(kdep_errmsg(), "dir/bad.o: ", 11) == 0,
		  "message names the file: %s", kdep_errmsg());
	cr_assert(strstr(kdep_errmsg(), needle), "'%s' lacks '%s'",
		  kdep_errmsg(), needle);
	kdep_buffree(&b);
}

Test(elf, a_text_file_is_not_elf)
{
	expect_error("hello world, this is not an object\n", 35, "not an ELF");
}

Test(elf, an_empty_file_is_not_elf)
{
	expect_error("", 0, "not an ELF");
}

Test(elf, llvm_bitcode_is_named_as_such)
{
	static const unsigned char bc[20] = {'B', 'C', 0xc0, 0xde};

	expect_error(bc, sizeof(bc), "LLVM bitcode");
}

Test(elf, an_unknown_class_is_refused)
{
	struct img m = build(1, 0, mixed, 5);

	m.p[4] = 3;
	expect_error(m.p, m.len, "class");
	free(m.p);
}

Test(elf, a_truncated_header_is_refused)
{
	struct img m = build(1, 0, mixed, 5);

	expect_error(m.p, 40, "truncated ELF header");
	free(m.p);
}

Test(elf, a_section_table_past_the_end_is_refused)
{
	struct img m = build(1, 1, mixed, 5);

	expect_error(m.p, m.len - 1, "section header table");
	free(m.p);
}

Test(elf, a_huge_section_offset_does_not_wrap)
{
	struct img m = build(1, 0, mixed, 5);

	put(&m, 40, UINT64_MAX - 10, 8);
	expect_error(m.p, m.len, "section header table");
	free(m.p);
}

Test(elf, a_symbol_name_outside_the_string_table_is_refused)
{
	struct img m = build(1, 0, mixed, 5);
	uint64_t shoff = 0, off = 0;

	/* symbol 3 (the marker), found through the .symtab section header */
	for (int i = 7; i >= 0; i--)
		shoff = shoff << 8 | m.p[40 + i];
	for (int i = 7; i >= 0; i--)
		off = off << 8 | m.p[shoff + 64 + 24 + (size_t)i];
	put(&m, (size_t)off + 3 * 24, 100000, 4);
	expect_error(m.p, m.len, "outside the string table");
	free(m.p);
}

Test(elf, a_name_running_past_the_string_table_is_refused)
{
	static const struct sym one[] = {{"abcdef", 1}};
	struct img m = build(0, 0, one, 1);

	/* the string table is "\0abcdef\0": drop its last byte from its size */
	uint64_t shoff = m.p[32] | (uint64_t)m.p[33] << 8 |
			 (uint64_t)m.p[34] << 16 | (uint64_t)m.p[35] << 24;
	put(&m, (size_t)shoff + 2 * 40 + 20, 7, 4);
	expect_error(m.p, m.len, "runs past the string table");
	free(m.p);
}

Test(elf, a_zero_symbol_size_is_refused)
{
	struct img m = build(1, 1, mixed, 5);
	uint64_t shoff = 0;

	for (int i = 0; i < 8; i++)
		shoff = shoff << 8 | m.p[40 + i];
	put(&m, (size_t)shoff + 64 + 56, 0, 8);
	expect_error(m.p, m.len, "bad symbol table");
	free(m.p);
}

Test(elf, a_string_table_link_out_of_range_is_refused)
{
	struct img m = build(1, 0, mixed, 5);
	uint64_t shoff = 0;

	for (int i = 7; i >= 0; i--)
		shoff = shoff << 8 | m.p[40 + i];
	put(&m, (size_t)shoff + 64 + 40, 99, 4);
	expect_error(m.p, m.len, "bad string table");
	free(m.p);
}

static int ignore(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	cr_assert_eq(strlen(name), len);
	return 0;
}

/* Each call sees an exact-size heap copy, so a sanitizer build catches any
 * read past the end. */
static int probe(const unsigned char *p, size_t len)
{
	unsigned char *c = malloc(len ? len : 1);
	int r;

	cr_assert(c);
	memcpy(c, p, len);
	r = kdep_elf_symbols(c, len, "fuzz.o", ignore, NULL);
	free(c);
	return r;
}

Test(elf, every_truncation_is_parsed_or_refused_in_bounds)
{
	for (int v = 0; v < 4; v++) {
		struct img m = build(v & 1, v >> 1, mixed, 5);

		for (size_t n = 0; n <= m.len; n++) {
			int r = probe(m.p, n);

			if (n < m.len)
				cr_assert_eq(r, KDEP_EDATA, "len %zu: %d", n,
					     r);
			else
				cr_assert_eq(r, 0, "%s", kdep_errmsg());
		}
		free(m.p);
	}
}

Test(elf, random_byte_damage_is_parsed_or_refused_in_bounds)
{
	uint32_t seed = 12345;

	for (int round = 0; round < 20000; round++) {
		struct img m = build(round & 1, (round >> 1) & 1, mixed, 5);

		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % m.len;
			seed = seed * 1103515245u + 12345u;
			m.p[at] = (unsigned char)(seed >> 16);
		}
		int r = probe(m.p, m.len);
		cr_assert(r == 0 || r == KDEP_EDATA, "round %d: %d", round, r);
		free(m.p);
	}
}

/* ---- objects from the compiler ------------------------------------------- */

static const char markers_c[] =
    "#define MARK(s) static int __ksym_marker_##s[0] "
    "__attribute__((section(\".discard.ksym\"), used))\n"
    "MARK(foo);\nMARK(Bar);\nMARK(__baz);\n"
    "int exported(void) { return 0; }\n";

static void compiled(const char *flags)
{
	char *dir = tu_tmpdir(), *err = NULL;
	struct kdep_buf b = {0}, cmd = {0};
	size_t len;
	char *obj;

	tu_write("k.c", markers_c);
	cr_assert_eq(kdep_bufprintf(&cmd, "cc %s -c -o k.o k.c", flags), 0);
	if (tu_run(cmd.data, NULL, NULL, &err) != 0) {
		tu_rmtree(dir);
		free(dir);
		cr_skip_test("cannot compile with '%s': %s", flags, err);
	}
	obj = tu_read("k.o", &len);
	cr_assert(obj);
	cr_assert_eq(kdep_elf_symbols(obj, len, "k.o", collect, &b), 0, "%s",
		     kdep_errmsg());
	cr_assert(strstr(b.data, "__ksym_marker_foo"), "%s", b.data);
	cr_assert(strstr(b.data, "__ksym_marker_Bar"), "%s", b.data);
	cr_assert(strstr(b.data, "__ksym_marker___baz"), "%s", b.data);
	cr_assert(strstr(b.data, "exported"), "%s", b.data);
	cr_assert_null(strstr(b.data, "k.c"), "file symbols are skipped");
	kdep_buffree(&b);
	free(obj);
	kdep_buffree(&cmd);
	free(err);
	tu_rmtree(dir);
	free(dir);
}

Test(elf, reads_a_compiled_native_object)
{
	compiled("");
}

Test(elf, reads_a_compiled_32_bit_object)
{
	compiled("-m32");
}
