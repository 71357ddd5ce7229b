/*
 * scan.c - find the CONFIG_ symbols a source or header uses.
 *
 * The rules are upstream fixdep's: a symbol is a prefix ("CONFIG_") and
 * the [A-Za-z0-9_] bytes after it; "_MODULE" at its end is dropped (a
 * tristate's =m shows up as CONFIG_FOO_MODULE but depends on FOO); an
 * empty name is no symbol.  From Linux 4.17 a match preceded by an
 * identifier byte (UML_CONFIG_X) is not one.  A NUL byte ends the text,
 * as it ends upstream's strstr().
 *
 * Speed: a kernel object's headers add up to ~3 MB, scanned once per
 * object without the cache.  Matches are found by testing the prefix's
 * first and last bytes at 16 positions at once (SSE2, part of x86-64) or
 * 8 (SWAR on 64-bit words elsewhere) and comparing the rest only where
 * both agree - far fewer instructions than a general substring search.
 */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && !defined(KDEP_NO_SIMD)
#define SIMD 1
#include <emmintrin.h>
#if defined(__x86_64__) && defined(__GNUC__)
#define AVX2 1 /* chosen at run time when the CPU has it */
#include <immintrin.h>
#endif
#endif

#include "internal.h"

static const char *const defprefixes[] = {"CONFIG_", NULL};

/* 1 if pre (n bytes) is at p, given that its first and last bytes are. */
static int middle(const char *p, const char *pre, size_t n)
{
	return n <= 2 || memcmp(p + 1, pre + 1, n - 2) == 0;
}

/*
 * The first occurrence of pre (n >= 1 bytes) in [p, end) before any NUL
 * byte, or NULL.  A NUL ends the text, so none can be part of a match.
 */
static const char *findsse(const char *p, const char *end, const char *pre,
			   size_t n)
{
	const size_t last = n - 1;

#if defined(SIMD)
	const __m128i f = _mm_set1_epi8(pre[0]);
	const __m128i l = _mm_set1_epi8(pre[last]);
	const __m128i z = _mm_setzero_si128();

	/*
	 * 64 bytes a step; every load stays inside [p, end).  The usual
	 * step finds no candidate and no NUL with one test; only then are
	 * the four 16-byte masks looked at one by one.
	 */
	for (; end - p >= (ptrdiff_t)(last + 64); p += 64) {
		__m128i a0 = _mm_loadu_si128((const __m128i *)p);
		__m128i a1 = _mm_loadu_si128((const __m128i *)(p + 16));
		__m128i a2 = _mm_loadu_si128((const __m128i *)(p + 32));
		__m128i a3 = _mm_loadu_si128((const __m128i *)(p + 48));
		__m128i c0 = _mm_and_si128(_mm_cmpeq_epi8(a0, f),
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + last)), l));
		__m128i c1 = _mm_and_si128(_mm_cmpeq_epi8(a1, f),
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + last + 16)), l));
		__m128i c2 = _mm_and_si128(_mm_cmpeq_epi8(a2, f),
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + last + 32)), l));
		__m128i c3 = _mm_and_si128(_mm_cmpeq_epi8(a3, f),
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + last + 48)), l));
		__m128i lo = _mm_min_epu8(_mm_min_epu8(a0, a1), _mm_min_epu8(a2, a3));
		__m128i any = _mm_or_si128(_mm_or_si128(c0, c1), _mm_or_si128(c2, c3));
		uint64_t m, nul;

		if (!_mm_movemask_epi8(_mm_or_si128(any, _mm_cmpeq_epi8(lo, z))))
			continue;
		m = (uint64_t)(unsigned)_mm_movemask_epi8(c0) |
		    (uint64_t)(unsigned)_mm_movemask_epi8(c1) << 16 |
		    (uint64_t)(unsigned)_mm_movemask_epi8(c2) << 32 |
		    (uint64_t)(unsigned)_mm_movemask_epi8(c3) << 48;
		nul = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a0, z)) |
		      (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a1, z)) << 16 |
		      (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a2, z)) << 32 |
		      (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a3, z)) << 48;
		if (nul) /* only candidates before the NUL count */
			m &= (nul & -nul) - 1;
		for (; m; m &= m - 1)
			if (middle(p + __builtin_ctzll(m), pre, n))
				return p + __builtin_ctzll(m);
		if (nul)
			return NULL;
	}
#else
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
	const uint64_t f = ones * (unsigned char)pre[0];
	const uint64_t l = ones * (unsigned char)pre[last];

	for (; end - p >= (ptrdiff_t)(last + 8); p += 8) {
		uint64_t a, b, x, y;
		int i;

		memcpy(&a, p, 8);
		memcpy(&b, p + last, 8);
		x = a ^ f;
		y = b ^ l;
		/* a zero byte in both (or a NUL); may flag false bytes too */
		if ((!((x - ones) & ~x & highs) || !((y - ones) & ~y & highs)) &&
		    !((a - ones) & ~a & highs))
			continue;
		for (i = 0; i < 8; i++) {
			if (!p[i])
				return NULL;
			if (p[i] == pre[0] && p[i + last] == pre[last] &&
			    middle(p + i, pre, n))
				return p + i;
		}
	}
#endif
	for (; p < end && *p; p++)
		if ((size_t)(end - p) >= n && p[0] == pre[0] &&
		    p[last] == pre[last] && middle(p, pre, n))
			return p;
	return NULL;
}

#if defined(AVX2)
/* findsse with 32-byte vectors: the same steps, half the instructions. */
__attribute__((target("avx2"))) static const char *
findavx2(const char *p, const char *end, const char *pre, size_t n)
{
	const size_t last = n - 1;
	const __m256i f = _mm256_set1_epi8(pre[0]);
	const __m256i l = _mm256_set1_epi8(pre[last]);
	const __m256i z = _mm256_setzero_si256();

	for (; end - p >= (ptrdiff_t)(last + 64); p += 64) {
		__m256i a0 = _mm256_loadu_si256((const __m256i *)p);
		__m256i a1 = _mm256_loadu_si256((const __m256i *)(p + 32));
		__m256i c0 = _mm256_and_si256(_mm256_cmpeq_epi8(a0, f),
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + last)), l));
		__m256i c1 = _mm256_and_si256(_mm256_cmpeq_epi8(a1, f),
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + last + 32)), l));
		__m256i lo = _mm256_min_epu8(a0, a1);
		uint64_t m, nul;

		if (_mm256_testz_si256(_mm256_or_si256(_mm256_or_si256(c0, c1),
						       _mm256_cmpeq_epi8(lo, z)),
				       _mm256_set1_epi8(-1)))
			continue;
		m = (uint64_t)(unsigned)_mm256_movemask_epi8(c0) |
		    (uint64_t)(unsigned)_mm256_movemask_epi8(c1) << 32;
		nul = (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a0, z)) |
		      (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a1, z)) << 32;
		if (nul)
			m &= (nul & -nul) - 1;
		for (; m; m &= m - 1)
			if (middle(p + __builtin_ctzll(m), pre, n))
				return p + __builtin_ctzll(m);
		if (nul)
			return NULL;
	}
	return findsse(p, end, pre, n);
}
#endif

static const char *find(const char *p, const char *end, const char *pre,
			size_t n)
{
#if defined(AVX2)
	static int avx2 = -1;

	if (avx2 < 0) /* a benign race: every thread computes the same */
		avx2 = __builtin_cpu_supports("avx2");
	if (avx2)
		return findavx2(p, end, pre, n);
#endif
	return findsse(p, end, pre, n);
}

/* The next match of any prefix at or after from; the longest on a tie. */
static const char *nextmatch(const char *const *pre, const char **next,
			     const char *from, const char *end, size_t *plen)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; pre[i]; i++) {
		size_t n = strlen(pre[i]);

		if (next[i] && next[i] < from)
			next[i] = find(from, end, pre[i], n);
		if (next[i] && (!best || next[i] < best ||
				(next[i] == best && n > *plen))) {
			best = next[i];
			*plen = n;
		}
	}
	return best;
}

int kdep_scan(const struct kdep_scanopts *o, const char *text, size_t len,
	      kdep_symfn fn, void *ctx)
{
	const char *const *pre = o && o->prefixes ? o->prefixes : defprefixes;
	const char *stack[8], **next = stack;
	const char *end = text + len, *p = text;
	size_t i, n = 0, plen = 0;
	int r = 0;

	for (; pre[n]; n++)
		if (!*pre[n])
			return kdep_err(KDEP_EDATA, "empty symbol prefix");
	if (n > 8 && !(next = malloc(n * sizeof(*next))))
		return kdep_err(KDEP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		next[i] = find(text, end, pre[i], strlen(pre[i]));

	while (r == 0 && (p = nextmatch(pre, next, p, end, &plen))) {
		const char *s, *q;

		if (o && o->boundary && p > text &&
		    kdep_isident((unsigned char)p[-1])) {
			p += plen;
			continue;
		}
		s = q = p + plen;
		while (q < end && kdep_isident((unsigned char)*q))
			q++;
		p = q;
		if (kdep_endswith(s, (size_t)(q - s), "_MODULE"))
			q -= 7;
		if (q > s)
			r = fn(ctx, s, (size_t)(q - s));
	}
	if (next != stack)
		free(next);
	return r;
}
