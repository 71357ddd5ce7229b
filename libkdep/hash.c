/*
 * hash.c - XXH64 of buffers (and of files, as io.c reads them).
 *
 * Written from the published XXH64 specification (xxHash's
 * doc/xxhash_spec.md), so digests match xxhsum -H1 and every other XXH64.
 * In short:
 *
 *   - Input is read as little-endian 64-bit lanes, whatever the host.
 *   - Inputs of 32 bytes or more run through four accumulators, one lane
 *     each per 32-byte stripe, seeded seed+P1+P2, seed+P2, seed, seed-P1.
 *     They are rotated, summed and merged into one; shorter inputs start
 *     from seed+P5 instead.
 *   - The length (mod 2^64) is added, the last 0-31 bytes are folded in as
 *     8-byte lanes, then one 4-byte lane, then single bytes, and a final
 *     avalanche mixes all bits.
 *
 * The four accumulators are independent, so the multiplier pipelines keep
 * four rounds in flight: that is where the speed comes from.  kdep_hash and
 * the streaming functions share the stripe loop and the tail, so the two
 * agree for every way of splitting the input.
 */
#include <string.h>

#include "internal.h"

#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)
#define P4 UINT64_C(0x85EBCA77C2B2AE63)
#define P5 UINT64_C(0x27D4EB2F165667C5)

static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/*
 * Little-endian loads from any alignment.  memcpy compiles to one plain
 * load on x86-64; big-endian hosts swap the bytes after it, and hosts the
 * compiler cannot classify assemble the value byte by byte.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

static inline uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}
#else
static inline uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	       (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

static inline uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
#endif

static inline uint64_t round64(uint64_t acc, uint64_t lane)
{
	acc += lane * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t merge(uint64_t acc, uint64_t v)
{
	acc ^= round64(0, v);
	return acc * P1 + P4;
}

static void initlanes(uint64_t v[4], uint64_t seed)
{
	v[0] = seed + P1 + P2;
	v[1] = seed + P2;
	v[2] = seed;
	v[3] = seed - P1;
}

/*
 * Consume every whole 32-byte stripe of p[0..n); return where the rest
 * starts.  The accumulators live in locals so that the compiler keeps
 * them in registers across the loop.
 */
static const unsigned char *stripes(uint64_t v[4], const unsigned char *p,
				    size_t n)
{
	uint64_t a = v[0], b = v[1], c = v[2], d = v[3];

	for (; n >= 32; n -= 32, p += 32) {
		a = round64(a, rd64(p));
		b = round64(b, rd64(p + 8));
		c = round64(c, rd64(p + 16));
		d = round64(d, rd64(p + 24));
	}
	v[0] = a;
	v[1] = b;
	v[2] = c;
	v[3] = d;
	return p;
}

static uint64_t converge(const uint64_t v[4])
{
	uint64_t acc;

	acc = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
	acc = merge(acc, v[0]);
	acc = merge(acc, v[1]);
	acc = merge(acc, v[2]);
	return merge(acc, v[3]);
}

/* Fold in the last n (< 32) bytes, then avalanche. */
static uint64_t finish(uint64_t acc, const unsigned char *p, size_t n)
{
	for (; n >= 8; n -= 8, p += 8) {
		acc ^= round64(0, rd64(p));
		acc = rotl(acc, 27) * P1 + P4;
	}
	if (n >= 4) {
		acc ^= (uint64_t)rd32(p) * P1;
		acc = rotl(acc, 23) * P2 + P3;
		n -= 4;
		p += 4;
	}
	for (; n > 0; n--, p++) {
		acc ^= *p * P5;
		acc = rotl(acc, 11) * P1;
	}
	acc ^= acc >> 33;
	acc *= P2;
	acc ^= acc >> 29;
	acc *= P3;
	acc ^= acc >> 32;
	return acc;
}

uint64_t kdep_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t acc, v[4];

	if (n >= 32) {
		initlanes(v, seed);
		s = stripes(v, s, n);
		acc = converge(v);
	} else {
		acc = seed + P5;
	}
	return finish(acc + (uint64_t)n, s, n & 31);
}

void kdep_hashinit(struct kdep_hashstate *h, uint64_t seed)
{
	memset(h, 0, sizeof(*h));
	h->seed = seed;
	initlanes(h->v, seed);
}

/*
 * Whole stripes go straight from p to the lanes; only a partial stripe
 * is copied into h->mem, to be completed by the next update or folded in
 * as the tail by kdep_hashfinal.
 */
void kdep_hashupdate(struct kdep_hashstate *h, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (n == 0)
		return;
	h->total += n;
	if (n < 32 - h->memlen) {
		memcpy(h->mem + h->memlen, s, n);
		h->memlen += n;
		return;
	}
	if (h->memlen > 0) {
		size_t k = 32 - h->memlen;

		memcpy(h->mem + h->memlen, s, k);
		stripes(h->v, h->mem, 32);
		s += k;
		n -= k;
		h->memlen = 0;
	}
	s = stripes(h->v, s, n);
	n &= 31;
	if (n > 0)
		memcpy(h->mem, s, n);
	h->memlen = n;
}

uint64_t kdep_hashfinal(const struct kdep_hashstate *h)
{
	uint64_t acc;

	if (h->total >= 32)
		acc = converge(h->v);
	else
		acc = h->seed + P5;
	return finish(acc + h->total, h->mem, h->memlen);
}

static int hashpiece(void *ctx, const void *p, size_t n)
{
	kdep_hashupdate(ctx, p, n);
	return 0;
}

/* io.c reads the file, in pieces: the state takes any split. */
int kdep_hashfile(const char *path, uint64_t *out, struct stat *st)
{
	struct kdep_hashstate h;
	int e;

	kdep_hashinit(&h, 0);
	if ((e = kdep_readpieces(path, hashpiece, &h, st)) < 0)
		return e;
	*out = kdep_hashfinal(&h);
	return 0;
}

/*
 * Not XXH64: a 64-bit hash 8 bytes a step with one multiply, a third of
 * XXH64's instructions on the short keys of hash tables and the cache's
 * entries.  Good enough to spread names over a table and to tell a torn
 * or foreign cache entry from a whole one; never a content hash.
 */
uint64_t kdep_quickhash(const void *p, size_t n, uint64_t seed)
{
	const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
	const unsigned char *b = p, *last;
	uint64_t h = seed ^ (n * k), w;
	uint32_t lo, hi;

	/*
	 * Whole words, then the tail as the last 8 bytes, overlapping: no
	 * byte-by-byte copy (most keys and names are short).  The length
	 * went into h, so overlaps do not make equal inputs of it.
	 */
	if (n >= 8) {
		for (last = b + n - 8; b < last; b += 8) {
			memcpy(&w, b, 8);
			h = (h ^ w) * k;
			h ^= h >> 32;
		}
		memcpy(&w, last, 8);
	} else if (n >= 4) {
		memcpy(&lo, b, 4);
		memcpy(&hi, b + n - 4, 4);
		w = (uint64_t)hi << 32 | lo;
	} else {
		w = n ? (uint64_t)b[0] << 16 | (uint64_t)b[n / 2] << 8 |
				b[n - 1]
		      : 0;
	}
	h = (h ^ w) * k;
	h ^= h >> 29;
	h *= k;
	return h ^ (h >> 32);
}
