/*
 * cache.c - a scan cache shared by the fixdep runs of one build.
 *
 * A kernel object includes some 400 headers and every fixdep run used to
 * read and scan all of them again.  The cache remembers, per file version,
 * the symbols it uses and its content hash, so each version is scanned
 * once per build and a warm run reads no header at all: one stat() each.
 *
 * One file, DIR/scan.idx, in host byte order (a cache is per machine):
 *
 *	header	magic "kdepscn1", u32 version, u32 nslots, u64 reserved
 *	slots	nslots x u32 offset of an entry, 0 = empty
 *	data	entries, appended
 *
 *	entry	at	field (the E_ names below)
 *		0	u64 key
 *		8	u64 checksum: kdep_quickhash of all that follows
 *		16	u64 dev, ino, size, mtime s, mtime ns, ctime s, ctime ns
 *		72	u64 content hash
 *		80	u32 flags
 *		84	u32 path length
 *		88	u32 symbol bytes
 *		92	u32 zero
 *		96	path, then the symbols (each NUL-terminated, first use
 *			first)
 *
 * Versions: 1 XXH64 keys and checksums; 2 kdep_quickhash keys and
 * checksums, 16-byte slots; 3 4-byte slots; 4 (this one) kdep_quickhash
 * takes a short tail as the last 8 bytes, so keys and checksums differ.
 * A cache of another version is replaced by an empty one.
 *
 * key = kdep_quickhash() of the path, seeded with the XXH64 of the scan
 * options: a word-at-a-time hash (hash.c), as a key and a checksum are
 * computed for every header of every run.  flags bit 0: the stat data may
 * be trusted; bit 1: a folder listing - the path is the folder's with a
 * '/' appended, the symbols are its entries' names, the hash is 0 (records
 * ask which stamps exist: include/config holds hundreds).  Lookup: the
 * slots from key mod nslots on, up to an empty one, for the entry with
 * that key (linear probing); the entry is used only if its checksum, key,
 * path and listing bit match.  If the file's stat data equal the entry's
 * and it is trusted, the file is not read.  Otherwise the file is read and
 * hashed: the same content hash reuses the symbols (a touch or a checkout
 * back and forth), else the file is scanned.  Then a new entry is
 * appended and its slot pointed at it.
 *
 * Slots are 4 bytes, so that the table is 256 KiB: a warm run looks at a
 * few hundred random slots, and each 64 KiB of table it touches costs a
 * page fault (a few microseconds on a VM).
 *
 * Racy rule: stat data are trusted only for a file whose mtime and ctime
 * are older than the filesystem's time before the file was read (the
 * cache's own mtime after futimens, read back with fstat - not the clock).
 * Any later change to the file then gives it a later mtime or ctime.
 *
 * Concurrency (make -j): readers map the file and take no lock; writers
 * append and update a slot under flock().  A reader that sees a torn slot
 * or a half-written entry fails the checksum and scans the file itself;
 * kill -9 in the middle of a write leaves garbage that no slot points to,
 * or a slot whose entry does not verify.  Size is bounded: past MAXDATA
 * bytes or with the slot table full, a writer renames a fresh empty cache
 * over the old one; running readers keep the old file until they exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAGIC "kdepscn1"
#define VERSION 4 /* the versions are in the comment above */
#define NSLOTS 65536u
#define MAXDATA (64u << 20)

/* The header: magic at 0, then these. */
#define H_VERSION 8u
#define H_NSLOTS 12u
#define HDRSIZE 24u
#define SLOTSIZE 4u
#define DATASTART (HDRSIZE + NSLOTS * SLOTSIZE)

/* An entry's fields, at their offsets in the format above. */
#define E_KEY 0u
#define E_SUM 8u
#define E_DEV 16u /* the checksummed part starts here */
#define E_INO 24u
#define E_SIZE 32u
#define E_MTIME 40u
#define E_MTIMENS 48u
#define E_CTIME 56u
#define E_CTIMENS 64u
#define E_HASH 72u
#define E_FLAGS 80u
#define E_PATHLEN 84u
#define E_SYMBYTES 88u
#define E_ZERO 92u
#define ENTRYHDR 96u /* the path starts here */

/* E_FLAGS bits */
#define TRUSTED 1u
#define LISTING 2u

struct kdep_cache {
	char *path;           /* DIR/scan.idx */
	int fd;
	unsigned char *map;
	size_t mapsize;
	uint64_t opthash;     /* XXH64 of the scan options */
	struct kdep_scanopts opts;
	struct timespec now;  /* the filesystem's time, once we write */
	int havenow;
	struct kdep_buf file; /* a file being read */
	struct kdep_buf ent;  /* an entry being built */
	struct kdep_buf key;  /* a listing's key path */
	struct kdep_nameset *syms;
};

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint64_t optionshash(const struct kdep_scanopts *o)
{
	const char *const *p = o->prefixes ? o->prefixes : kdep_defprefixes;
	struct kdep_hashstate h;

	kdep_hashinit(&h, 0);
	kdep_hashupdate(&h, o->boundary ? "b" : "-", 1);
	for (; *p; p++)
		kdep_hashupdate(&h, *p, strlen(*p) + 1);
	return kdep_hashfinal(&h);
}

/* A fresh, empty cache file renamed over path (or linked if none). */
static int create(const char *path, int replace)
{
	struct kdep_buf tmp = {0};
	unsigned char hdr[HDRSIZE] = {0};
	int fd, e = 0;

	if (kdep_bufprintf(&tmp, "%s.new.XXXXXX", path) < 0)
		return KDEP_ENOMEM;
	if ((fd = mkstemp(tmp.data)) < 0) {
		e = kdep_errno(KDEP_EIO, "cannot create %s", tmp.data);
		goto done;
	}
	memcpy(hdr, MAGIC, 8);
	put32(hdr + H_VERSION, VERSION);
	put32(hdr + H_NSLOTS, NSLOTS);
	if (fchmod(fd, 0644) < 0 || kdep_writeall(fd, hdr, HDRSIZE) < 0 ||
	    ftruncate(fd, DATASTART) < 0)
		e = kdep_errno(KDEP_EIO, "cannot write %s", tmp.data);
	if (close(fd) < 0 && e == 0)
		e = kdep_errno(KDEP_EIO, "cannot write %s", tmp.data);
	if (e == 0 && replace && rename(tmp.data, path) < 0)
		e = kdep_errno(KDEP_EIO, "cannot rename %s", tmp.data);
	/* link fails if another process created it first: use theirs */
	if (e == 0 && !replace && link(tmp.data, path) < 0 && errno != EEXIST)
		e = kdep_errno(KDEP_EIO, "cannot create %s", path);
	unlink(tmp.data);
done:
	kdep_buffree(&tmp);
	return e;
}

static void unmap(struct kdep_cache *c)
{
	if (c->map)
		munmap(c->map, c->mapsize);
	if (c->fd >= 0)
		close(c->fd);
	c->map = NULL;
	c->fd = -1;
}

/* Create the folder of path (DIR/scan.idx) if it is not there. */
static int mkfolder(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct kdep_buf dir = {0};
	int e = 0;

	if (!slash)
		return 0;
	if (kdep_bufadd(&dir, path, (size_t)(slash - path)) < 0)
		return KDEP_ENOMEM;
	if (mkdir(dir.data, 0755) < 0 && errno != EEXIST)
		e = kdep_errno(KDEP_EIO, "cannot create cache folder %s",
			       dir.data);
	kdep_buffree(&dir);
	return e;
}

/* Open and map the cache file; a wrong header means start afresh. */
static int attach(struct kdep_cache *c)
{
	struct stat st;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		unmap(c);
		c->fd = open(c->path, O_RDWR | O_CLOEXEC);
		if (c->fd < 0 && errno == ENOENT) {
			/* first use: maybe of the folder too */
			int e = mkfolder(c->path);

			if (e == 0)
				e = create(c->path, 0);
			if (e < 0)
				return e;
			continue;
		}
		if (c->fd < 0)
			return kdep_errno(KDEP_EIO, "cannot open %s", c->path);
		if (fstat(c->fd, &st) < 0)
			return kdep_errno(KDEP_EIO, "cannot stat %s", c->path);
		c->mapsize = (size_t)st.st_size;
		if (c->mapsize >= DATASTART) {
			/*
			 * No MAP_POPULATE: a run looks at a few hundred
			 * slots and entries, and mapping the whole file
			 * up front cost more than the faults it saves.
			 */
			c->map = mmap(NULL, c->mapsize, PROT_READ,
				      MAP_SHARED, c->fd, 0);
			if (c->map == MAP_FAILED)
				c->map = NULL;
		}
		if (c->map && memcmp(c->map, MAGIC, 8) == 0 &&
		    get32(c->map + H_VERSION) == VERSION &&
		    get32(c->map + H_NSLOTS) == NSLOTS)
			return 0;
		int e = create(c->path, 1);

		if (e < 0)
			return e;
	}
	return kdep_err(KDEP_EIO, "%s: not a usable scan cache", c->path);
}

int kdep_cache_open(struct kdep_cache **cp, const char *dir,
		    const struct kdep_scanopts *o)
{
	struct kdep_cache *c = calloc(1, sizeof(*c));
	struct kdep_buf p = {0};
	int e;

	*cp = NULL;
	if (!c || !(c->syms = kdep_nameset_new()) ||
	    kdep_bufprintf(&p, "%s/scan.idx", dir) < 0) {
		free(c);
		kdep_buffree(&p);
		return kdep_err(KDEP_ENOMEM, "out of memory");
	}
	c->fd = -1;
	c->path = p.data;
	c->opts = *o;
	c->opthash = optionshash(o);
	if ((e = attach(c)) < 0) {
		kdep_cache_close(c);
		return e;
	}
	*cp = c;
	return 0;
}

void kdep_cache_close(struct kdep_cache *c)
{
	if (!c)
		return;
	unmap(c);
	free(c->path);
	kdep_buffree(&c->file);
	kdep_buffree(&c->ent);
	kdep_buffree(&c->key);
	kdep_nameset_free(c->syms);
	free(c);
}

static uint64_t keyof(const struct kdep_cache *c, const char *path,
		      size_t plen)
{
	uint64_t k = kdep_quickhash(path, plen, c->opthash);

	return k ? k : 1; /* 0 marks an empty slot */
}

/* The length of the entry at off in the mapped file, if it fits; else 0. */
static size_t entrylen(const struct kdep_cache *c, size_t off)
{
	const unsigned char *e = c->map + off;
	size_t len;

	if (off < DATASTART || off > c->mapsize - ENTRYHDR)
		return 0;
	len = (size_t)ENTRYHDR + get32(e + E_PATHLEN) + get32(e + E_SYMBYTES);
	return len > c->mapsize - off ? 0 : len;
}

/*
 * The verified entry for key and path in the mapped file, or NULL; a
 * listing only if listing is LISTING.
 */
static const unsigned char *findentry(const struct kdep_cache *c,
				      uint64_t key, const char *path,
				      size_t plen, uint32_t listing)
{
	size_t i, n, len;

	for (n = 0, i = key & (NSLOTS - 1); n < NSLOTS;
	     n++, i = (i + 1) & (NSLOTS - 1)) {
		size_t off = get32(c->map + HDRSIZE + i * SLOTSIZE);
		const unsigned char *e = c->map + off;

		if (off == 0)
			return NULL;
		/* appended after we mapped the file, or garbage: probe on */
		if (!(len = entrylen(c, off)) || get64(e + E_KEY) != key)
			continue;
		if (get64(e + E_SUM) != kdep_quickhash(e + E_DEV, len - E_DEV, 0) ||
		    get32(e + E_PATHLEN) != plen ||
		    memcmp(e + ENTRYHDR, path, plen) != 0 ||
		    (get32(e + E_FLAGS) & LISTING) != listing)
			return NULL;
		return e;
	}
	return NULL;
}

static int samestat(const unsigned char *e, const struct stat *st)
{
	return get64(e + E_DEV) == (uint64_t)st->st_dev &&
	       get64(e + E_INO) == (uint64_t)st->st_ino &&
	       get64(e + E_SIZE) == (uint64_t)st->st_size &&
	       get64(e + E_MTIME) == (uint64_t)st->st_mtim.tv_sec &&
	       get64(e + E_MTIMENS) == (uint64_t)st->st_mtim.tv_nsec &&
	       get64(e + E_CTIME) == (uint64_t)st->st_ctim.tv_sec &&
	       get64(e + E_CTIMENS) == (uint64_t)st->st_ctim.tv_nsec;
}

/* Feed the NUL-separated names of [p, end) to fn. */
static int emitnames(const char *p, const char *end, kdep_symfn fn,
		     void *ctx)
{
	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		int e;

		if (n && (e = fn(ctx, p, n)) != 0)
			return e;
		p += n + 1;
	}
	return 0;
}

/*
 * Feed the names of the entry just built in c->ent, from byte start on, to
 * fn.  fn may call back into the cache - a record asks which stamps exist
 * while a file's names are fed - and that reuses c->ent: feed them from a
 * buffer of our own.
 */
static int emitbuilt(struct kdep_cache *c, size_t start, kdep_symfn fn,
		     void *ctx)
{
	struct kdep_buf mine = c->ent;
	int e;

	c->ent = (struct kdep_buf){0};
	e = emitnames(mine.data + start, mine.data + mine.len, fn, ctx);
	kdep_buffree(&c->ent);
	c->ent = mine;
	return e;
}

static int collect(void *ctx, const char *name, size_t len)
{
	struct kdep_cache *c = ctx;
	int e = kdep_nameset_add(c->syms, name, len);

	if (e <= 0)
		return e;
	if (kdep_bufadd(&c->ent, name, len) < 0 ||
	    kdep_bufadd(&c->ent, "", 1) < 0)
		return KDEP_ENOMEM;
	return 0;
}

/* The filesystem's idea of now: set the cache's mtime to it, read it. */
static void fsnow(struct kdep_cache *c)
{
	struct stat st;

	if (c->havenow)
		return;
	if (futimens(c->fd, NULL) == 0 && fstat(c->fd, &st) == 0)
		c->now = st.st_mtim;
	else
		c->now.tv_sec = 0; /* trust nothing */
	c->havenow = 1;
}

/* Build the entry for path in c->ent, symbols already at its end. */
static void fillentry(struct kdep_cache *c, uint64_t key, const char *path,
		      const struct stat *st, uint64_t hash, size_t symbytes,
		      uint32_t listing)
{
	unsigned char *e = (unsigned char *)c->ent.data;
	size_t plen = strlen(path);

	put64(e + E_KEY, key);
	put64(e + E_DEV, (uint64_t)st->st_dev);
	put64(e + E_INO, (uint64_t)st->st_ino);
	put64(e + E_SIZE, (uint64_t)st->st_size);
	put64(e + E_MTIME, (uint64_t)st->st_mtim.tv_sec);
	put64(e + E_MTIMENS, (uint64_t)st->st_mtim.tv_nsec);
	put64(e + E_CTIME, (uint64_t)st->st_ctim.tv_sec);
	put64(e + E_CTIMENS, (uint64_t)st->st_ctim.tv_nsec);
	put64(e + E_HASH, hash);
	put32(e + E_FLAGS, listing | (kdep_racy(st, &c->now) ? 0 : TRUSTED));
	put32(e + E_PATHLEN, (uint32_t)plen);
	put32(e + E_SYMBYTES, (uint32_t)symbytes);
	put32(e + E_ZERO, 0);
	memcpy(e + ENTRYHDR, path, plen);
	put64(e + E_SUM, kdep_quickhash(e + E_DEV, c->ent.len - E_DEV, 0));
}

/* The key of the entry at off: from the map, or the file past its end. */
static uint64_t keyat(const struct kdep_cache *c, size_t off)
{
	unsigned char k[8];

	if (off + E_KEY <= c->mapsize - 8)
		return get64(c->map + off + E_KEY);
	return pread(c->fd, k, 8, (off_t)(off + E_KEY)) == 8 ? get64(k) : 0;
}

/*
 * A free slot for key, or the one whose entry has that key; -1 if the
 * table is full.  Under the lock, of the file we mapped: other writers'
 * slot updates are in the shared mapping.
 */
static long findslot(const struct kdep_cache *c, uint64_t key)
{
	size_t i, n;

	for (n = 0, i = key & (NSLOTS - 1); n < NSLOTS / 2;
	     n++, i = (i + 1) & (NSLOTS - 1)) {
		size_t off = get32(c->map + HDRSIZE + i * SLOTSIZE);

		if (off == 0 || keyat(c, off) == key)
			return (long)i;
	}
	return -1;
}

/*
 * Append c->ent and point its slot at it, under the lock.  A cache that
 * is full or was replaced meanwhile is started afresh; failing to store
 * is never an error - the answer was computed, only not remembered.
 */
static void store(struct kdep_cache *c, uint64_t key)
{
	unsigned char slot[SLOTSIZE];
	struct stat st, cur;
	long i;

	if (c->ent.len > UINT32_MAX || flock(c->fd, LOCK_EX) < 0)
		return;
	if (fstat(c->fd, &st) < 0 || stat(c->path, &cur) < 0 ||
	    cur.st_ino != st.st_ino)
		goto unlock; /* replaced by another writer: skip this once */
	i = findslot(c, key);
	if (i < 0 || (size_t)st.st_size + c->ent.len > MAXDATA) {
		create(c->path, 1);
		goto unlock;
	}
	if (pwrite(c->fd, c->ent.data, c->ent.len, st.st_size) !=
	    (ssize_t)c->ent.len)
		goto unlock;
	/* the entry is whole before a slot points at it; a reader that
	 * still sees the old slot value finds the older entry, or none */
	put32(slot, (uint32_t)st.st_size);
	if (pwrite(c->fd, slot, SLOTSIZE, HDRSIZE + (size_t)i * SLOTSIZE) < 0)
		goto unlock;
unlock:
	flock(c->fd, LOCK_UN);
}

int kdep_cache_scan(struct kdep_cache *c, const char *path, kdep_symfn fn,
		    void *ctx, uint64_t *hash, struct stat *st)
{
	size_t plen = strlen(path);
	uint64_t key = keyof(c, path, plen);
	const unsigned char *e;
	size_t symbytes;
	int r;

	if (stat(path, st) < 0)
		return kdep_errno(KDEP_EIO, "error opening file: %s", path);
	e = c->map ? findentry(c, key, path, plen, 0) : NULL;
	if (e && (get32(e + E_FLAGS) & TRUSTED) && samestat(e, st)) {
		const char *names = (const char *)e + ENTRYHDR + get32(e + E_PATHLEN);

		*hash = get64(e + E_HASH);
		return emitnames(names, names + get32(e + E_SYMBYTES), fn, ctx);
	}
	/* "now" before the read: a write after it gets a later mtime */
	fsnow(c);
	if ((r = kdep_readfile(path, &c->file, st)) < 0)
		return r;
	*hash = kdep_hash(c->file.data, c->file.len, 0);
	c->ent.len = 0;
	if (kdep_bufreserve(&c->ent, ENTRYHDR + plen) < 0)
		return KDEP_ENOMEM;
	c->ent.len = ENTRYHDR + plen;
	if (e && get64(e + E_HASH) == *hash) {
		/* same content, new stat data: reuse the symbols */
		const char *names = (const char *)e + ENTRYHDR + get32(e + E_PATHLEN);

		symbytes = get32(e + E_SYMBYTES);
		if (kdep_bufadd(&c->ent, names, symbytes) < 0)
			return KDEP_ENOMEM;
	} else {
		kdep_nameset_free(c->syms);
		if (!(c->syms = kdep_nameset_new()))
			return KDEP_ENOMEM;
		if ((r = kdep_scan(&c->opts, c->file.data, c->file.len, collect,
				   c)) < 0)
			return r;
		symbytes = c->ent.len - ENTRYHDR - plen;
	}
	fillentry(c, key, path, st, *hash, symbytes, 0);
	store(c, key);
	return emitbuilt(c, ENTRYHDR + plen, fn, ctx);
}

int kdep_cache_list(struct kdep_cache *c, const char *dir, const char **names,
		    size_t *len)
{
	const unsigned char *e;
	struct stat st;
	uint64_t key;
	size_t plen;
	int r;

	if (stat(dir, &st) < 0)
		return kdep_errno(KDEP_EIO, "cannot list %s", dir);
	c->key.len = 0;
	if (kdep_bufprintf(&c->key, "%s/", dir) < 0)
		return KDEP_ENOMEM;
	plen = c->key.len;
	key = keyof(c, c->key.data, plen);
	e = c->map ? findentry(c, key, c->key.data, plen, LISTING) : NULL;
	if (e && (get32(e + E_FLAGS) & TRUSTED) && samestat(e, &st)) {
		*names = (const char *)e + ENTRYHDR + plen;
		*len = get32(e + E_SYMBYTES);
		return 0;
	}
	/* "now" before the listing: a change after it dates the folder later */
	fsnow(c);
	c->ent.len = 0;
	if (kdep_bufreserve(&c->ent, ENTRYHDR + plen) < 0)
		return KDEP_ENOMEM;
	c->ent.len = ENTRYHDR + plen;
	if ((r = kdep_listdir(dir, &c->ent)) < 0)
		return r;
	fillentry(c, key, c->key.data, &st, 0, c->ent.len - ENTRYHDR - plen,
		  LISTING);
	store(c, key);
	*names = c->ent.data + ENTRYHDR + plen;
	*len = c->ent.len - ENTRYHDR - plen;
	return 0;
}
