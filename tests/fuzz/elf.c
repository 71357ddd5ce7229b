/*
 * elf.c - fuzz the ELF symbol reader and gen_ksymdeps.sh's block.
 *
 * kdep_elf_symbols runs over the input as it is (libFuzzer's copy is
 * exactly len bytes, so AddressSanitizer sees any read past the end).
 * Every name handed out must lie inside the input, end with a NUL there
 * and hold none.  Two bytes of e_ident's padding, which readers ignore,
 * steer the rest: byte 14 makes the callback stop the walk at that
 * symbol (0: never), which must be what the walk returns; odd byte 15
 * also writes the input to obj.o and runs kdep_ksymdeps on it (bit 1:
 * split layout), whose block must name only well-formed stamp paths.
 */
#include <string.h>

#include "fuzz.h"

#define STOPVAL 9

struct walk {
	const char *p;
	size_t len, n, stop;
};

static int onsym(void *ctx, const char *name, size_t len)
{
	struct walk *w = ctx;

	CHECK(name >= w->p && name < w->p + w->len);
	CHECK(len < w->len - (size_t)(name - w->p));
	CHECK(name[len] == '\0');
	CHECK(!memchr(name, '\0', len));
	return ++w->n == w->stop ? STOPVAL : 0;
}

static void checkdeps(const struct kdep_buf *b)
{
	static const char head[] = "\nksymdeps_obj.o := \\\n";
	static const char tail[] = "\nobj.o: $(ksymdeps_obj.o)\n\n"
				   "$(ksymdeps_obj.o):\n";
	const char *p, *e;
	size_t h = sizeof(head) - 1, t = sizeof(tail) - 1;

	if (b->len == 0)
		return;
	CHECK(b->len > h + t && memcmp(b->data, head, h) == 0);
	CHECK(memcmp(b->data + b->len - t, tail, t) == 0);
	for (p = b->data + h; p < b->data + b->len - t; p = e + 4) {
		CHECK(strncmp(p, "    $(wildcard include/ksym/", 28) == 0);
		e = strchr(p, ')');
		CHECK(e && strncmp(e, ") \\\n", 4) == 0);
		for (p += 28; p < e; p++)
			CHECK(strchr("abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.",
				     *p));
	}
}

static void ksymdeps(const uint8_t *data, size_t len, enum kdep_layout layout)
{
	struct kdep_buf out = {0};
	int r;

	fz_write("obj.o", data, len);
	r = kdep_ksymdeps("obj.o", NULL, layout, &out);
	if (r < 0) {
		CHECK(r == KDEP_EDATA);
		fz_checkerr();
	} else {
		CHECK(r == 0);
		checkdeps(&out);
	}
	kdep_buffree(&out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_tmpdir(argc, argv);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct walk w = {(const char *)data, len, 0, 0};
	int r;

	if (len >= 16)
		w.stop = data[14];
	r = kdep_elf_symbols(data, len, "obj.o", onsym, &w);
	if (r < 0) {
		CHECK(r == KDEP_EDATA);
		fz_checkerr();
		CHECK(strncmp(kdep_errmsg(), "obj.o: ", 7) == 0);
	} else {
		CHECK(r == (w.stop && w.n == w.stop ? STOPVAL : 0));
	}
	if (len >= 16 && data[15] & 1)
		ksymdeps(data, len, data[15] & 2 ? KDEP_SPLIT : KDEP_FLAT);
	return 0;
}
