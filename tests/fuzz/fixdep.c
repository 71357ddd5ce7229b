/*
 * fixdep.c - fuzz the whole fixdep path: depfile file -> .cmd text.
 *
 * A private folder holds the files of files[] (some named the way only
 * an escape can spell, and some stamps); the input is written as dep.d
 * and may list them or files that do not exist.  Input: a flags byte,
 * the depfile, and for linux-4.17 optionally, after a 0x1e byte, the -e
 * lines.
 *
 *	flags bits 0-1  profile: linux-4.17, linux-5.13, linux-6.3 (3 too)
 *	flags bit 2     pass the -e lines (linux-4.17 only)
 *
 * Each input runs three ways that must agree byte for byte: plain, with a
 * record's seen callback (fixdep --record), and with a scan cache shared
 * by all runs.  A success must have the shape fixdep.c documents, with
 * well-formed stamp paths; an error a one-line message.
 */
#include <string.h>

#include "fuzz.h"

#define SEP 0x1e

static const char *const files[][2] = {
	{"a.c", "#include <linux/kconfig.h>\n"
		"int x = CONFIG_FOO + CONFIG_BAR_MODULE;\n"},
	{"b.h", "#ifdef CONFIG_BAZ\n#endif /* CONFIG_FOO */\n"},
	{"c.h", "IS_ENABLED(CONFIG_QUX) UML_CONFIG_NO CONFIG_A_B__C\n"},
	{"include/generated/autoconf.h", "#define CONFIG_AUTO 1\n"},
	{"include/generated/autoksyms.h", "#define __KSYM_CONFIG_KSYM 1\n"},
	{"x.ver", "CONFIG_VER\n"},
	{"lib.rlib", "CONFIG_RLIB\n"},
	{"sp ace.h", "CONFIG_SPACE\n"},
	{"h#sh.h", "CONFIG_HASH\n"},
	{"co:lon.h", "CONFIG_COLON\n"},
	{"d$r.h", "CONFIG_DOLLAR\n"},
	{"b\\s.h", "CONFIG_BACKSLASH\n"},
	{"nul.h", "CONFIG_BEFORE\0CONFIG_AFTER\n"},
	/* stamps, so that records hash some and find others absent */
	{"include/config/FOO", "CONFIG_FOO=y\n"},
	{"include/config/BAZ", ""},
	{"include/config/foo.h", ""},
	{"include/ksym/bar", "__KSYM_bar 1\n"},
};

static struct kdep_cache *cache;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	fz_tmpdir(argc, argv);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fz_puts(files[i][0], files[i][1]);
	/* fz_puts stopped at the NUL */
	fz_write("nul.h", "CONFIG_BEFORE\0CONFIG_AFTER\n", 27);
	CHECK(kdep_cache_open(&cache, "cache",
			      &kdep_profile("linux-6.3")->scan) == 0);
	return 0;
}

static int startswith(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

/* The .cmd text must be laid out as fixdep.c's comment shows. */
static void checkcmd(const struct kdep_profile *prof, const struct kdep_buf *b)
{
	struct kdep_buf want = {0};
	const char *p = b->data, *end = b->data + b->len, *nl;

	CHECK(strlen(b->data) == b->len);
	CHECK(kdep_bufprintf(&want, "%s_t := cc -c t.c\n\n", prof->cmdvar) ==
	      0);
	CHECK(startswith(p, want.data));
	p += want.len;
	/* up to 6.2, "a b: c" lists a before the source, as upstream does */
	while (prof->dialect == KDEP_DIALECT_KBUILD && startswith(p, "  ")) {
		CHECK((nl = strchr(p, '\n')) && nl - p >= 4 &&
		      startswith(nl - 2, " \\"));
		p = nl + 1;
	}
	CHECK(startswith(p, "source_t := "));
	p = strchr(p, '\n');
	CHECK(p && startswith(p, "\n\ndeps_t := \\\n"));
	p += 14;
	want.len = 0;
	CHECK(kdep_bufputs(&want, "\nt: $(deps_t)\n\n$(deps_t):\n") == 0);
	CHECK(b->len >= want.len &&
	      strcmp(end - want.len, want.data) == 0);
	end -= want.len;
	for (; p < end; p = nl + 1) {
		nl = strchr(p, '\n');
		CHECK(nl && nl <= end);
		CHECK(nl - p >= 4 && startswith(nl - 2, " \\\n"));
		if (startswith(p, "    $(wildcard ")) {
			const char *s;

			for (s = p + 15; s < nl - 3; s++)
				CHECK(strchr("abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789_/.",
					     *s));
			CHECK(nl[-3] == ')');
		} else {
			CHECK(startswith(p, "  ") && p[2] != ' ');
		}
	}
	kdep_buffree(&want);
}

static int same(const struct kdep_buf *a, const struct kdep_buf *b)
{
	return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

static int run(const struct kdep_fixdep *f, struct kdep_buf *out,
	       struct kdep_buf *err)
{
	int r;

	out->len = 0;
	err->len = 0;
	r = kdep_fixdep(f, out);
	if (r < 0) {
		fz_checkerr();
		CHECK(kdep_bufputs(err, kdep_errmsg()) == 0);
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const profs[] = {"linux-4.17", "linux-5.13",
					    "linux-6.3", "linux-6.3"};
	struct kdep_fixdep f = {0};
	struct kdep_buf out = {0}, out2 = {0}, err = {0}, err2 = {0};
	struct kdep_record *rec;
	const uint8_t *sep;
	size_t deplen;
	int flags, r, r2;

	if (len < 1 || !fz_pathsafe(data, len))
		return 0;
	flags = data[0];
	data++, len--;
	f.prof = kdep_profile(profs[flags & 3]);
	CHECK(f.prof);
	f.depfile = "dep.d";
	f.target = "t";
	f.cmdline = "cc -c t.c";
	sep = len ? memchr(data, SEP, len) : NULL;
	deplen = sep ? (size_t)(sep - data) : len;
	if (sep && (flags & 4) && f.prof->extradeps) {
		f.extra = (const char *)sep + 1;
		f.extralen = len - deplen - 1;
	}
	fz_write("dep.d", data, deplen);
	fz_write("t", "o", 1); /* a record needs its target; before any run */

	r = run(&f, &out, &err);
	CHECK(r == 0 || r == KDEP_EDATA || r == KDEP_EIO ||
	      r == KDEP_ENOENT);
	if (r == 0)
		checkcmd(f.prof, &out);

	rec = kdep_record_new("t", "dep.d", "cc -c t.c");
	CHECK(rec);
	f.seen = kdep_record_seen;
	f.seenctx = rec;
	r2 = run(&f, &out2, &err2);
	kdep_record_free(rec);
	CHECK(r2 == r);
	CHECK(r || same(&out2, &out));
	CHECK(same(&err2, &err));

	f.seen = NULL;
	f.cache = cache;
	r2 = run(&f, &out2, &err2);
	CHECK(r2 == r);
	CHECK(r || same(&out2, &out));
	CHECK(same(&err2, &err));

	kdep_buffree(&out);
	kdep_buffree(&out2);
	kdep_buffree(&err);
	kdep_buffree(&err2);
	return 0;
}
