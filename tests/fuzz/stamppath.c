/*
 * stamppath.c - fuzz kdep_stamppath with hostile names.
 *
 * Input: a mode byte (bit 0: split layout; bits 1-2: dir NULL, "",
 * "include/config" or "d"), then the name, NUL bytes included.
 *
 * A name that is not [A-Za-z0-9_]+ must be refused with the buffer left
 * as it was.  Otherwise the text appended is "<dir>/" (for a non-empty
 * dir) and: flat, the name itself; split, only [a-z0-9/.], no leading
 * '/', no "//", no "..", ".h" at the end and nowhere else - and the same
 * as the reference: lowercase, '_' -> '/', then slash runs collapsed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char before[] = "keep:";

static int ident(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The split spelling of name[0..len), computed the long way. */
static char *splitref(const char *name, size_t len)
{
	char *raw = malloc(len + 3), *out = malloc(len + 3);
	size_t i, k = 0;

	CHECK(raw && out);
	for (i = 0; i < len; i++) {
		char c = name[i];

		raw[i] = c == '_' ? '/' : (c >= 'A' && c <= 'Z') ? c + 32 : c;
	}
	memcpy(raw + len, ".h", 3);
	for (i = 0; raw[i]; i++) {
		if (raw[i] == '/' && (k == 0 || out[k - 1] == '/'))
			continue;
		out[k++] = raw[i];
	}
	out[k] = '\0';
	free(raw);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const dirs[] = {NULL, "", "include/config", "d"};
	struct kdep_buf out = {0};
	const char *dir, *name, *x;
	size_t i, n, b = sizeof(before) - 1;
	int split, valid, r;

	if (len < 1)
		return 0;
	split = data[0] & 1;
	dir = dirs[(data[0] >> 1) & 3];
	name = (const char *)data + 1;
	n = len - 1;
	valid = n > 0;
	for (i = 0; i < n; i++)
		valid &= ident((unsigned char)name[i]);

	CHECK(kdep_bufputs(&out, before) == 0);
	r = kdep_stamppath(&out, dir, name, n, split ? KDEP_SPLIT : KDEP_FLAT);
	CHECK(out.len >= b && memcmp(out.data, before, b) == 0);
	if (!valid) {
		CHECK(r == KDEP_EDATA);
		CHECK(out.len == b && out.data[b] == '\0');
		fz_checkerr();
		kdep_buffree(&out);
		return 0;
	}
	CHECK(r == 0);
	CHECK(strlen(out.data) == out.len);
	x = out.data + b;
	if (dir && *dir) {
		CHECK(strncmp(x, dir, strlen(dir)) == 0);
		x += strlen(dir);
		CHECK(*x++ == '/');
	}
	if (!split) {
		CHECK(strlen(x) == n && memcmp(x, name, n) == 0);
	} else {
		char *ref = splitref(name, n);
		size_t xl = strlen(x);

		CHECK(strcmp(x, ref) == 0);
		CHECK(x[0] != '/');
		CHECK(!strstr(x, "//") && !strstr(x, ".."));
		CHECK(xl >= 2 && strcmp(x + xl - 2, ".h") == 0);
		CHECK(strchr(x, '.') == x + xl - 2);
		for (i = 0; x[i]; i++)
			CHECK((x[i] >= 'a' && x[i] <= 'z') ||
			      (x[i] >= '0' && x[i] <= '9') || x[i] == '/' ||
			      x[i] == '.');
		free(ref);
	}
	kdep_buffree(&out);
	return 0;
}
