/*
 * elf.c - the symbols nm lists, read straight from an ELF object.
 *
 * gen_ksymdeps.sh ran "$NM obj" once per compiled object just to find the
 * __ksym_marker_* names; reading the symbol table ourselves costs no
 * process.  The parts of the format we use (System V ABI, "ELF"):
 *
 *   header    e_ident[16]: "\177ELF", class (1 = 32-bit, 2 = 64-bit),
 *             data (1 = little-endian, 2 = big-endian), ...
 *             e_shoff, e_shentsize, e_shnum: the section header table.
 *             e_shnum 0 with e_shoff != 0 means "more than 0xff00
 *             sections": the real count is section 0's sh_size.
 *   section   sh_type (2 = SHT_SYMTAB, 3 = SHT_STRTAB, 8 = SHT_NOBITS),
 *             sh_offset, sh_size, sh_link (a symbol table's string
 *             table), sh_entsize (the size of one symbol).
 *   symbol    st_name (an offset into the string table), st_info (its
 *             low 4 bits are the type: 3 = STT_SECTION, 4 = STT_FILE).
 *
 *   field           ELF32 offset/size   ELF64 offset/size
 *   e_shoff              32 / 4              40 / 8
 *   e_shentsize          46 / 2              58 / 2
 *   e_shnum              48 / 2              60 / 2
 *   sh_type               4 / 4               4 / 4
 *   sh_offset            16 / 4              24 / 8
 *   sh_size              20 / 4              32 / 8
 *   sh_link              24 / 4              40 / 4
 *   sh_entsize           36 / 4              56 / 8
 *   st_name               0 / 4               0 / 4
 *   st_info              12 / 1               4 / 1
 *   a symbol             16 bytes            24 bytes
 *   a section header     40 bytes            64 bytes
 *
 * nm shows every SHT_SYMTAB entry except the null symbol and the section
 * and file symbols (BFD marks those "debugging"); so do we.  The input is
 * hostile until proven otherwise: every offset and size is checked against
 * the file before it is used, without overflow, and a name must end with a
 * NUL inside its string table.
 */
#include <string.h>

#include "internal.h"

enum {
	SHT_SYMTAB = 2,
	SHT_STRTAB = 3,
	SHT_NOBITS = 8,
	STT_SECTION = 3,
	STT_FILE = 4,
};

struct elf {
	const unsigned char *p;
	size_t len;
	const char *name; /* for messages */
	int is64, be;
};

static uint64_t rd(const struct elf *e, size_t off, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		int k = e->be ? i : n - 1 - i;

		v = v << 8 | e->p[off + (size_t)k];
	}
	return v;
}

/* 1 if [off, off + n) lies inside the file. */
static int inside(const struct elf *e, uint64_t off, uint64_t n)
{
	return off <= e->len && n <= e->len - off;
}

static int bad(const struct elf *e, const char *what)
{
	return kdep_err(KDEP_EDATA, "%s: %s", e->name, what);
}

struct shdr {
	uint64_t type, offset, size, link, entsize;
};

/* Section header i; the table's bounds were checked by the caller. */
static void getshdr(const struct elf *e, uint64_t shoff, uint64_t shentsize,
		    uint64_t i, struct shdr *s)
{
	size_t b = (size_t)(shoff + i * shentsize);
	int w = e->is64 ? 8 : 4;

	s->type = rd(e, b + 4, 4);
	s->offset = rd(e, b + (e->is64 ? 24 : 16), w);
	s->size = rd(e, b + (e->is64 ? 32 : 20), w);
	s->link = rd(e, b + (e->is64 ? 40 : 24), 4);
	s->entsize = rd(e, b + (e->is64 ? 56 : 36), w);
}

static int checkident(struct elf *e)
{
	static const unsigned char bitcode[4] = {'B', 'C', 0xc0, 0xde};

	if (e->len >= 4 && memcmp(e->p, bitcode, 4) == 0)
		return bad(e, "not an ELF file (LLVM bitcode)");
	if (e->len < 16 || memcmp(e->p, "\177ELF", 4) != 0)
		return bad(e, "not an ELF file");
	if (e->p[4] != 1 && e->p[4] != 2)
		return bad(e, "unknown ELF class");
	if (e->p[5] != 1 && e->p[5] != 2)
		return bad(e, "unknown ELF byte order");
	e->is64 = e->p[4] == 2;
	e->be = e->p[5] == 2;
	if (e->len < (size_t)(e->is64 ? 64 : 52))
		return bad(e, "truncated ELF header");
	return 0;
}

static int walksymtab(const struct elf *e, const struct shdr *sym,
		      const struct shdr *str, kdep_symfn fn, void *ctx)
{
	uint64_t minent = e->is64 ? 24 : 16, n, i;
	const char *strtab;

	if (sym->type == SHT_NOBITS || sym->entsize < minent ||
	    !inside(e, sym->offset, sym->size))
		return bad(e, "bad symbol table");
	if (str->type != SHT_STRTAB || !inside(e, str->offset, str->size))
		return bad(e, "bad string table");
	strtab = (const char *)e->p + str->offset;
	n = sym->size / sym->entsize;
	for (i = 1; i < n; i++) {
		size_t b = (size_t)(sym->offset + i * sym->entsize);
		uint64_t name = rd(e, b, 4);
		unsigned type = e->p[b + (e->is64 ? 4 : 12)] & 0xf;
		const char *s, *end;
		int r;

		if (type == STT_SECTION || type == STT_FILE)
			continue;
		if (name >= str->size)
			return bad(e, "symbol name outside the string table");
		s = strtab + name;
		end = memchr(s, '\0', (size_t)(str->size - name));
		if (!end)
			return bad(e, "symbol name runs past the string table");
		if ((r = fn(ctx, s, (size_t)(end - s))) != 0)
			return r;
	}
	return 0;
}

int kdep_elf_symbols(const void *data, size_t len, const char *name,
		     kdep_symfn fn, void *ctx)
{
	struct elf e = {data, len, name ? name : "<elf>", 0, 0};
	uint64_t shoff, shentsize, shnum, i;
	struct shdr s, str;
	int r;

	if ((r = checkident(&e)) < 0)
		return r;
	shoff = rd(&e, e.is64 ? 40 : 32, e.is64 ? 8 : 4);
	shentsize = rd(&e, e.is64 ? 58 : 46, 2);
	shnum = rd(&e, e.is64 ? 60 : 48, 2);
	if (shoff == 0)
		return 0; /* no sections, no symbols: nm says "no symbols" */
	if (shentsize < (uint64_t)(e.is64 ? 64 : 40) ||
	    !inside(&e, shoff, shentsize))
		return bad(&e, "bad section header table");
	if (shnum == 0) {
		getshdr(&e, shoff, shentsize, 0, &s);
		shnum = s.size;
	}
	if (shnum > (e.len - shoff) / shentsize)
		return bad(&e, "truncated section header table");
	for (i = 1; i < shnum; i++) {
		getshdr(&e, shoff, shentsize, i, &s);
		if (s.type != SHT_SYMTAB)
			continue;
		if (s.link == 0 || s.link >= shnum)
			return bad(&e, "bad string table");
		getshdr(&e, shoff, shentsize, s.link, &str);
		if ((r = walksymtab(&e, &s, &str, fn, ctx)) != 0)
			return r;
	}
	return 0;
}
