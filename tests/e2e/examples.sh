#!/usr/bin/env bash
# examples.sh - the usage examples a newcomer reads first compile, link
# against libkdep.a (with make's CFLAGS and LDFLAGS: KDEP_CFLAGS,
# KDEP_LDFLAGS) and do what they say:
#   - kdep.h's example (its first screen): record a.o, then check it:
#     fresh; then a.c changes content with its mtime put back: stale;
#   - the C example in the README and in libkdep(3) compiles.
set -eu

top=${KDEP_TOP:-$(pwd)}
cc=${CC:-cc}
say() { printf '  examples: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# Wrap example lines (on stdin) in main(), print v if the example sets it.
wrap() {
	printf '#include <stdio.h>\n#include <kdep.h>\n\nint main(void)\n{\n'
	cat
	printf '\treturn 0;\n}\n'
}

build() { # name
	# shellcheck disable=SC2086 # the flags are words
	"$cc" -std=c11 ${KDEP_CFLAGS:-} -Wall -Wno-unused-variable -Werror \
		-I"$top/libkdep" -o "$t/$1" "$t/$1.c" "$top/libkdep.a" \
		${KDEP_LDFLAGS:-} 2>"$t/$1.err" ||
		{ cat "$t/$1.err"; fail "$1 does not compile"; }
}

# kdep.h: from the line after "A compile, then its staleness check" to
# the blank comment line after kdep_checker_free; " *\t" prefixes cut.
sed -n '/A compile, then its staleness check/,/kdep_checker_free/p' \
	"$top/libkdep/kdep.h" | sed '1d; s/^ \*\t\{0,1\}//; s/^ \*$//' |
	sed 's/kdep_checker_free(c);/printf("%d\\n", v);\n&/' | wrap >"$t/header.c"
grep -q kdep_check "$t/header.c" || fail "no example found in kdep.h"
build header

mkdir "$t/run" "$t/run/include" "$t/run/include/config"
cd "$t/run"
printf 'int a = CONFIG_A;\n' >a.c
printf 'CONFIG_A=y\n' >include/config/auto.conf
printf 'a.o: a.c\n' >.a.o.d
# inputs older than the depfile: not changed while a.o was compiled
touch -d '2020-01-01 00:00:00' a.c include/config/auto.conf
touch -d '2020-01-01 00:00:01' .a.o.d
: >a.o
v=$("$t/header") || fail "the kdep.h example failed"
[ "$v" = 0 ] || fail "kdep.h example: a.o is not fresh (verdict $v)"
[ -f .a.o.kdep ] || fail "kdep.h example: no record .a.o.kdep"
say "kdep.h's example records a.o and finds it fresh"

printf 'int a = CONFIG_B;\n' >a.c
touch -d '2020-01-01 00:00:00' a.c
cat >"$t/check.c" <<'EOF'
#include <stdio.h>
#include <kdep.h>

int main(void)
{
	struct kdep_checker *c = kdep_checker_new(0);
	struct kdep_query q = {.target = "a.o"};
	int v = kdep_check(c, &q);

	printf("%d\n", v);
	kdep_checker_free(c);
	return 0;
}
EOF
build check
v=$("$t/check")
[ "$v" = 1 ] || fail "a.c changed, mtime put back: want stale (1), got $v"
say "a content change with the old mtime is stale"

# The README's and libkdep(3)'s C example (the same program).
awk '/^```c$/ {on = 1; next} /^```$/ {on = 0} on' "$top/README.md" |
	grep -v '^#include' | wrap >"$t/readme.c"
grep -q kdep_stale "$t/readme.c" || fail "no C example in the README"
build readme
sed -n '/^\.EX$/,/^\.EE$/p' "$top/man/libkdep.3" | sed '1d; $d' |
	grep -v '^#include' | sed 's/\\-/-/g; s/\\e/\\/g' | wrap >"$t/man.c"
grep -q kdep_stale "$t/man.c" || fail "no example in libkdep.3"
build man
say "the README's and libkdep(3)'s examples compile"
