/*
 * hashbench.c - throughput of kdep_hash (XXH64) on in-memory data.
 *
 * Hashes one 256 MiB buffer several times and prints the best round as
 * "hash: XXH64 N.NN GB/s" (GB = 10^9 bytes).  The best round, not the
 * mean, because other processes on the machine only ever make a round
 * slower.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kdep.h"

#define SIZE ((size_t)256 << 20)
#define ROUNDS 10

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	unsigned char *b = malloc(SIZE);
	uint64_t x = 1, sink = 0;
	double best = 0;

	if (!b) {
		fprintf(stderr, "hashbench: out of memory\n");
		return 1;
	}
	/* Pseudo-random bytes; writing them also faults every page in. */
	for (size_t i = 0; i < SIZE; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		b[i] = (unsigned char)(x >> 56);
	}
	for (int r = 0; r < ROUNDS; r++) {
		double t = now();

		sink ^= kdep_hash(b, SIZE, (uint64_t)r);
		t = now() - t;
		if (t > 0 && (best == 0 || t < best))
			best = t;
	}
	free(b);
	if (best == 0) {
		fprintf(stderr, "hashbench: clock too coarse\n");
		return 1;
	}
	/* Printing the hashes keeps the calls from being optimised away. */
	fprintf(stderr, "hashbench: %016llx\n", (unsigned long long)sink);
	printf("hash: XXH64 %.2f GB/s\n", (double)SIZE / best / 1e9);
	return 0;
}
