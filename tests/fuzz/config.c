/*
 * config.c - fuzz the .config/auto.conf parser.
 *
 * On an error the config must be empty and the message one line naming
 * the file.  On success every symbol has a [A-Za-z0-9_]+ name found again
 * by kdep_config_find, a value spelled as its kind says, and a line inside
 * the input.  Then the auto.conf text we write for it is parsed back: it
 * must give the same title and the same non-n symbols, kinds and values,
 * in the same order (kconfig.c promises the round trip).  autoconf.h is
 * written too, for the sanitizers.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int isnum(const char *v)
{
	size_t i = 0;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && v[2]) {
		for (i = 2; v[i]; i++)
			if (!strchr("0123456789abcdefABCDEF", v[i]))
				return 0;
		return 1;
	}
	if (v[0] == '-')
		i++;
	if (!v[i])
		return 0;
	for (; v[i]; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return 1;
}

static void checksym(const struct kdep_config *c, size_t i, unsigned lines)
{
	const struct kdep_confsym *s = kdep_config_sym(c, i);

	CHECK(s && s->name && kdep_isname(s->name, strlen(s->name)));
	CHECK(s->val);
	CHECK(kdep_config_find(c, s->name) == s);
	CHECK(s->line >= 1 && s->line <= lines);
	switch (s->kind) {
	case KDEP_CONF_N:
		CHECK(strcmp(s->val, "n") == 0);
		break;
	case KDEP_CONF_Y:
		CHECK(strcmp(s->val, "y") == 0);
		break;
	case KDEP_CONF_M:
		CHECK(strcmp(s->val, "m") == 0);
		break;
	case KDEP_CONF_NUM:
		CHECK(isnum(s->val));
		break;
	case KDEP_CONF_STR:
		CHECK(!strchr(s->val, '\n'));
		break;
	default:
		CHECK(!"a known kind");
	}
}

/* The text we write for c must read back as c, n symbols aside. */
static void roundtrip(const struct kdep_config *c)
{
	struct kdep_buf text = {0};
	struct kdep_config *back;
	const char *title = kdep_config_title(c);
	size_t i, k = 0;

	CHECK(kdep_config_autoconf(c, &text) == 0);
	CHECK(kdep_config_parsemem("auto.conf", text.data, text.len, &back) ==
	      0);
	CHECK(!title == !kdep_config_title(back));
	CHECK(!title || strcmp(title, kdep_config_title(back)) == 0);
	for (i = 0; i < kdep_config_count(c); i++) {
		const struct kdep_confsym *s = kdep_config_sym(c, i), *b;

		if (s->kind == KDEP_CONF_N)
			continue;
		CHECK(k < kdep_config_count(back));
		b = kdep_config_sym(back, k++);
		CHECK(strcmp(s->name, b->name) == 0);
		CHECK(s->kind == b->kind);
		CHECK(strcmp(s->val, b->val) == 0);
	}
	CHECK(k == kdep_config_count(back));
	kdep_config_free(back);
	text.len = 0;
	CHECK(kdep_config_autoheader(c, &text) == 0);
	CHECK(strlen(text.data) == text.len);
	kdep_buffree(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct kdep_config *c;
	unsigned lines = 1, first, ignored;
	size_t i;
	int r;

	for (i = 0; i < len; i++)
		lines += data[i] == '\n';
	r = kdep_config_parsemem(".config", (const char *)data, len, &c);
	if (r < 0) {
		CHECK(r == KDEP_EDATA);
		CHECK(c == NULL);
		fz_checkerr();
		CHECK(strncmp(kdep_errmsg(), ".config:", 8) == 0);
		return 0;
	}
	CHECK(r == 0);
	ignored = kdep_config_ignored(c, &first);
	CHECK(ignored <= lines);
	CHECK(!ignored || (first >= 1 && first <= lines));
	for (i = 0; i < kdep_config_count(c); i++)
		checksym(c, i, lines);
	roundtrip(c);
	kdep_config_free(c);
	return 0;
}
