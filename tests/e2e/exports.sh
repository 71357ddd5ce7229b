#!/usr/bin/env bash
# exports.sh - the library's ABI is what kdep.h says it is:
#   - libkdep.so.N is named by its SONAME, N the Makefile's SOMAJOR;
#   - it exports exactly the functions kdep.h declares KDEP_API, all
#     kdep_*: no internal helper leaks, none declared is missing;
#   - kdep.so, the make plugin, exports the same functions (it is linked
#     with the library's objects), its setup function kdep_gmk_setup
#     (make's "-load kdep.so" calls <name>_gmk_setup) and
#     plugin_is_GPL_compatible, which make requires.
set -eu

top=${KDEP_TOP:-$(pwd)}
say() { printf '  exports: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

major=$(sed -n 's/^SOMAJOR *= *//p' "$top/Makefile")
lib=$top/libkdep.so.$major
[ -f "$lib" ] || fail "no $lib"
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libkdep.so.$major" ] || fail "SONAME is '$soname'"
say "SONAME libkdep.so.$major"

# the last word before '(' of each KDEP_API declaration, over line breaks
tr '\n' ' ' <"$top/libkdep/kdep.h" | grep -o 'KDEP_API[^;(]*(' |
	sed 's/ *($//; s/.*[ *]//' | grep '^kdep_' | sort -u >"$t/declared"
[ -s "$t/declared" ] || fail "no KDEP_API declaration found in kdep.h"

# defined dynamic symbols but sanitizer runtime hooks (SANITIZE=1)
exported() {
	nm -D --defined-only "$1" | awk '{print $3}' | grep -v '^_' | sort
}
exported "$lib" >"$t/lib"
if ! diff "$t/declared" "$t/lib" >"$t/diff"; then
	cat "$t/diff"
	fail "libkdep.so.$major exports (>) other than kdep.h declares (<)"
fi
say "libkdep.so.$major exports the $(wc -l <"$t/lib") functions kdep.h declares"

if [ -f "$top/kdep.so" ]; then
	exported "$top/kdep.so" >"$t/plugin"
	{
		cat "$t/declared"
		echo kdep_gmk_setup
		echo plugin_is_GPL_compatible
	} | sort >"$t/want"
	if ! diff "$t/want" "$t/plugin" >"$t/diff"; then
		cat "$t/diff"
		fail "kdep.so exports (>) other than expected (<)"
	fi
	say "kdep.so exports the same, kdep_gmk_setup and plugin_is_GPL_compatible"
fi
