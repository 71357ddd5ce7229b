/*
 * scan.c - fuzz the CONFIG_ scanner against a byte-by-byte reference.
 *
 * Input: a mode byte, a stop byte, then the text (for mode 3, the
 * prefixes come between mode and stop byte: a count, then per prefix a
 * length and its bytes).
 *
 *	mode bit 0    boundary (skip a match preceded by [A-Za-z0-9_])
 *	mode bits 1-2 prefixes: 0 the default (NULL), 1 {"CONFIG_"},
 *	              2 overlapping ones, 3 from the input (1..12, so more
 *	              than the scanner's 8 on the stack; a NUL inside one
 *	              shortens it, an empty one must be refused)
 *	stop          the callback stops the scan at that symbol (0: never)
 *
 * The reference walks the text one byte at a time and tries every prefix
 * at each offset, so it shares nothing with the SIMD search.  tests/fuzz/run
 * links it three times, with the library's scan.c built three ways: scan
 * (AVX2 where the CPU has it), scan_sse2 (KDEP_NO_AVX2) and scan_swar
 * (KDEP_NO_SIMD).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define STOPVAL 7

struct syms {
	struct kdep_buf names; /* each name, then '\n' */
	size_t n, stop;
};

static int ident(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int onsym(void *ctx, const char *name, size_t len)
{
	struct syms *s = ctx;

	CHECK(len > 0);
	CHECK(kdep_bufadd(&s->names, name, len) == 0);
	CHECK(kdep_bufadd(&s->names, "\n", 1) == 0);
	return ++s->n == s->stop ? STOPVAL : 0;
}

/* upstream's rules, one offset at a time */
static int reference(const char *const *pre, int boundary, const char *text,
		     size_t len, struct syms *out)
{
	size_t end = 0, p = 0, k;

	while (end < len && text[end])
		end++; /* a NUL ends the text */
	while (p < end) {
		size_t best = 0, q, s;

		for (k = 0; pre[k]; k++) {
			size_t n = strlen(pre[k]);

			if (n > best && n <= end - p &&
			    memcmp(text + p, pre[k], n) == 0)
				best = n;
		}
		if (!best) {
			p++;
			continue;
		}
		if (boundary && p > 0 && ident((unsigned char)text[p - 1])) {
			p += best;
			continue;
		}
		s = q = p + best;
		while (q < len && ident((unsigned char)text[q]))
			q++;
		p = q;
		if (q - s >= 7 && memcmp(text + q - 7, "_MODULE", 7) == 0)
			q -= 7;
		if (q > s && onsym(out, text + s, q - s))
			return STOPVAL;
	}
	return 0;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const config[] = {"CONFIG_", NULL};
	static const char *const overlap[] = {"CONFIG_", "KSYM_", "CONFIG_X",
					      "_", "IG_", NULL};
	const char *pre[13] = {NULL};
	char *own[12] = {NULL};
	struct kdep_scanopts o = {NULL, 0};
	struct syms got = {{0}, 0, 0}, want = {{0}, 0, 0};
	int mode, empty = 0, r, rr;
	size_t i, n = 0;

	if (len < 2)
		return 0;
	mode = data[0];
	data++, len--;
	o.boundary = mode & 1;
	switch ((mode >> 1) & 3) {
	case 1:
		o.prefixes = config;
		break;
	case 2:
		o.prefixes = overlap;
		break;
	case 3:
		n = (size_t)data[0] % 12 + 1;
		data++, len--;
		for (i = 0; i < n; i++) {
			size_t l = len ? (size_t)data[0] % 8 + 1 : 1;

			if (len)
				data++, len--;
			if (l > len)
				l = len;
			own[i] = fz_dup(data, l);
			data += l, len -= l;
			pre[i] = own[i];
			empty |= !*own[i];
		}
		o.prefixes = pre;
		break;
	}
	if (len < 1)
		goto out;
	got.stop = want.stop = data[0];
	data++, len--;

	r = kdep_scan(&o, (const char *)data, len, onsym, &got);
	if (empty) {
		CHECK(r == KDEP_EDATA && got.n == 0);
		fz_checkerr();
		goto out;
	}
	rr = reference(o.prefixes ? o.prefixes : config, o.boundary,
		       (const char *)data, len, &want);
	CHECK(r == rr);
	CHECK(got.n == want.n);
	CHECK(got.names.len == want.names.len);
	CHECK(got.names.len == 0 ||
	      memcmp(got.names.data, want.names.data, got.names.len) == 0);
out:
	kdep_buffree(&got.names);
	kdep_buffree(&want.names);
	for (i = 0; i < n; i++)
		free(own[i]);
	return 0;
}
