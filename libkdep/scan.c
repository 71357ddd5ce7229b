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
 * first and last bytes at 64 positions a step (AVX2 when the CPU has it,
 * else SSE2, part of x86-64) or 8 (SWAR on 64-bit words elsewhere) and
 * comparing the rest only where both agree - far fewer instructions than
 * a general substring search.  Most headers are a few KiB, so the end of
 * a text matters as much as the middle: the last partial block is copied
 * into a zero-padded block and searched the same way (the zeros read as
 * the NUL that ends a text), instead of byte by byte.  Building with
 * KDEP_NO_AVX2 or KDEP_NO_SIMD leaves out the AVX2 or every vector search
 * (the fuzz targets build all three).
 */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && !defined(KDEP_NO_SIMD)
#define SIMD 1
#include <emmintrin.h>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(KDEP_NO_AVX2)
#define AVX2 1 /* chosen at run time when the CPU has it */
#include <immintrin.h>
/*
 * glibc 2.33+ answers from what it found at start-up.  libgcc's
 * __builtin_cpu_supports brings a constructor that asks the CPU again
 * (cpuid, a trap to the hypervisor on a VM: ~14 us of every run).
 */
#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define HASAVX2() CPU_FEATURE_ACTIVE(AVX2)
#endif
#endif
#ifndef HASAVX2
#define HASAVX2() __builtin_cpu_supports("avx2")
#endif
#endif
#endif

#include "internal.h"

const char *const kdep_defprefixes[] = {KDEP_CONFIGPREFIX, NULL};

/* A prefix and what the search needs of it, worked out once per scan. */
struct pat {
	const char *s;
	size_t n, last;
	uint64_t mid, mask; /* bytes 1 .. n-2, when they fit in a word */
	int word;
};

static void patinit(struct pat *t, const char *s)
{
	unsigned char mid[8] = {0}, mask[8] = {0};
	size_t k;

	t->s = s;
	t->n = strlen(s);
	t->last = t->n - 1;
	k = t->n > 2 ? t->n - 2 : 0;
	t->word = k <= 8;
	if (t->word) {
		memcpy(mid, s + 1, k);
		memset(mask, 0xff, k);
	}
	/* byte arrays, so that the comparison holds in either byte order */
	memcpy(&t->mid, mid, 8);
	memcpy(&t->mask, mask, 8);
}

/* 1 if the prefix is at p, given that its first and last bytes are. */
static int middle(const char *p, const struct pat *t)
{
	return t->n <= 2 || memcmp(p + 1, t->s + 1, t->n - 2) == 0;
}

/* The first match in [p, end) before a NUL, a byte at a time: the rest. */
static const char *bytewise(const char *p, const char *end,
			    const struct pat *t)
{
	for (; p < end && *p; p++)
		if ((size_t)(end - p) >= t->n && p[0] == t->s[0] &&
		    p[t->last] == t->s[t->last] && middle(p, t))
			return p;
	return NULL;
}

#if defined(SIMD)
/* middle(), by one word compare where 9 bytes from p are in the text. */
static inline int midword(const char *p, const char *end,
			  const struct pat *t)
{
	uint64_t v;

	if (!t->word || end - p < 9)
		return middle(p, t);
	memcpy(&v, p + 1, 8);
	return ((v ^ t->mid) & t->mask) == 0;
}

/*
 * The first match among 64 candidates m (bit i: offset i from p) before
 * the first NUL (bits in nul); *stop is set when a NUL ends the text.
 */
static inline const char *pick(const char *p, const char *end, uint64_t m,
			       uint64_t nul, const struct pat *t, int *stop)
{
	if (nul) /* only candidates before the NUL count */
		m &= (nul & -nul) - 1;
	for (; m; m &= m - 1)
		if (midword(p + __builtin_ctzll(m), end, t))
			return p + __builtin_ctzll(m);
	*stop = nul != 0;
	return NULL;
}

/*
 * The hot loops: from p, the first 64-byte block holding a candidate (the
 * prefix's first and last bytes in place) or a NUL, with its masks in
 * *m and *nul (bit i: offset i); or, with both masks 0, where fewer than
 * last + 64 bytes remain.  Every load stays inside [p, end).  The usual
 * block costs one test; the loops hand everything else to their caller,
 * which keeps them small enough to run from registers.
 */
static const char *hotsse(const char *p, const char *end,
			  const struct pat *t, uint64_t *m, uint64_t *nul)
{
	const size_t last = t->last;
	const __m128i f = _mm_set1_epi8(t->s[0]);
	const __m128i l = _mm_set1_epi8(t->s[last]);
	const __m128i z = _mm_setzero_si128();

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

		if (!_mm_movemask_epi8(_mm_or_si128(any, _mm_cmpeq_epi8(lo, z))))
			continue;
		*m = (uint64_t)(unsigned)_mm_movemask_epi8(c0) |
		     (uint64_t)(unsigned)_mm_movemask_epi8(c1) << 16 |
		     (uint64_t)(unsigned)_mm_movemask_epi8(c2) << 32 |
		     (uint64_t)(unsigned)_mm_movemask_epi8(c3) << 48;
		*nul = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a0, z)) |
		       (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a1, z)) << 16 |
		       (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a2, z)) << 32 |
		       (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a3, z)) << 48;
		return p;
	}
	*m = *nul = 0;
	return p;
}

#if defined(AVX2)
/* hotsse with 32-byte vectors: the same steps, half the instructions. */
__attribute__((target("avx2"))) static const char *
hotavx2(const char *p, const char *end, const struct pat *t, uint64_t *m,
	uint64_t *nul)
{
	const size_t last = t->last;
	const __m256i f = _mm256_set1_epi8(t->s[0]);
	const __m256i l = _mm256_set1_epi8(t->s[last]);
	const __m256i z = _mm256_setzero_si256();

	for (; end - p >= (ptrdiff_t)(last + 64); p += 64) {
		__m256i a0 = _mm256_loadu_si256((const __m256i *)p);
		__m256i a1 = _mm256_loadu_si256((const __m256i *)(p + 32));
		__m256i c0 = _mm256_and_si256(_mm256_cmpeq_epi8(a0, f),
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + last)), l));
		__m256i c1 = _mm256_and_si256(_mm256_cmpeq_epi8(a1, f),
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + last + 32)), l));
		__m256i lo = _mm256_min_epu8(a0, a1);

		if (_mm256_testz_si256(_mm256_or_si256(_mm256_or_si256(c0, c1),
						       _mm256_cmpeq_epi8(lo, z)),
				       _mm256_set1_epi8(-1)))
			continue;
		*m = (uint64_t)(unsigned)_mm256_movemask_epi8(c0) |
		     (uint64_t)(unsigned)_mm256_movemask_epi8(c1) << 32;
		*nul = (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a0, z)) |
		       (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a1, z)) << 32;
		return p;
	}
	*m = *nul = 0;
	return p;
}
#endif

/*
 * Search whole 64-byte blocks from *pp while last + 64 bytes remain;
 * *pp is left at the first block not searched, *stop set if a NUL ended
 * the text.
 */
static const char *blocks(const char **pp, const char *end,
			  const struct pat *t, int *stop)
{
#if defined(AVX2)
	static int avx2 = -1;
#endif
	const char *p = *pp, *q;
	uint64_t m, nul;

#if defined(AVX2)
	if (avx2 < 0) /* a benign race: every thread computes the same */
		avx2 = HASAVX2();
#endif
	for (;; p += 64) {
#if defined(AVX2)
		p = avx2 ? hotavx2(p, end, t, &m, &nul)
			 : hotsse(p, end, t, &m, &nul);
#else
		p = hotsse(p, end, t, &m, &nul);
#endif
		if (!m && !nul)
			break;
		if ((q = pick(p, end, m, nul, t, stop)) || *stop) {
			*pp = p;
			return q;
		}
	}
	*pp = p;
	return NULL;
}

/* The longest prefix the zero-padded last block takes (PAD holds it). */
#define PADMAX 64
#define PAD (4 * 64)

/*
 * The first occurrence of the prefix in [p, end) before any NUL byte, or
 * NULL.  A NUL ends the text, so none can be part of a match.
 */
static const char *find(const char *p, const char *end, const struct pat *t)
{
	char pad[PAD];
	const char *q, *b = pad;
	size_t k;
	int stop = 0;

	if ((q = blocks(&p, end, t, &stop)) || stop || p == end)
		return q;
	if (t->n > PADMAX)
		return bytewise(p, end, t);
	/* k < last + 64 bytes: zeros after them end the search in pad */
	k = (size_t)(end - p);
	memcpy(pad, p, k);
	memset(pad + k, 0, sizeof(pad) - k);
	q = blocks(&b, pad + sizeof(pad), t, &stop);
	return q ? p + (q - pad) : NULL;
}
#else
/* SWAR: 8 positions a step in a 64-bit word. */
static const char *find(const char *p, const char *end, const struct pat *t)
{
	const size_t last = t->last;
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
	const uint64_t f = ones * (unsigned char)t->s[0];
	const uint64_t l = ones * (unsigned char)t->s[last];

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
			if (p[i] == t->s[0] && p[i + last] == t->s[last] &&
			    middle(p + i, t))
				return p + i;
		}
	}
	return bytewise(p, end, t);
}
#endif

/* The next match of any prefix at or after from; the longest on a tie. */
static const char *nextmatch(const struct pat *t, size_t npat,
			     const char **next, const char *from,
			     const char *end, size_t *plen)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; i < npat; i++) {
		if (next[i] && next[i] < from)
			next[i] = find(from, end, &t[i]);
		if (next[i] && (!best || next[i] < best ||
				(next[i] == best && t[i].n > *plen))) {
			best = next[i];
			*plen = t[i].n;
		}
	}
	return best;
}

int kdep_scan(const struct kdep_scanopts *o, const char *text, size_t len,
	      kdep_symfn fn, void *ctx)
{
	const char *const *pre = o && o->prefixes ? o->prefixes : kdep_defprefixes;
	struct pat tstack[4], *t = tstack;
	const char *nstack[4], **next = nstack;
	const char *end = text + len, *p = text;
	size_t i, n = 0, plen = 0;
	int r = 0;

	for (; pre[n]; n++)
		if (!*pre[n])
			return kdep_err(KDEP_EDATA, "empty symbol prefix");
	if (n > 4 && (!(t = malloc(n * sizeof(*t))) ||
		      !(next = malloc(n * sizeof(*next))))) {
		free(t);
		return kdep_err(KDEP_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		patinit(&t[i], pre[i]);
		next[i] = find(text, end, &t[i]);
	}

	while (r == 0 && (p = nextmatch(t, n, next, p, end, &plen))) {
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
		if (q - s >= 7 && memcmp(q - 7, "_MODULE", 7) == 0)
			q -= 7;
		if (q > s)
			r = fn(ctx, s, (size_t)(q - s));
	}
	if (t != tstack) {
		free(t);
		free(next);
	}
	return r;
}
