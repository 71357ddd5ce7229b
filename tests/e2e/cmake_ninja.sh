#!/usr/bin/env bash
# cmake_ninja.sh - examples/cmake built by the real cmake and ninja, with
# Kconfiglib (python3-kconfiglib) at configure time, through `kdep cc`
# and without it.  Each step names the objects ninja recompiled (its
# "Building C object" lines), which must be exactly:
#
#   step                          launcher                  without
#   first build                   all 5                     all 5
#   nothing changed               none                      none
#   touch autoconf.h              none                      all 5
#   configure again, no change    none                      none
#   LOG_LEVEL 3 -> 4 (a value)    main log uart (log.h)     all 5
#   NET n -> y                    net                       all 5
#   NET y -> n                    net                       all 5
#   DEBUG n -> y                  main                      all 5
#   SPARE 1 -> 2 (no user)        none                      all 5
#
# with the launcher for both stamp writers, genconfig --sync-deps and kdep
# sync-config; without it for genconfig.
# Then `kdep cc -- ccache gcc`: a rebuild from ccache's cache still lists
# stamps, not autoconf.h, and NET n -> y still recompiles net alone.
# cmake, ninja-build, python3-kconfiglib and ccache are installed when
# missing (Debian, root); otherwise the test is skipped with a message.
set -eu

top=${KDEP_TOP:-$(pwd)}
kdep=${KDEP:-$top/tools/kdep}
say() { printf '  cmake_ninja: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

"$top/tests/need-tools" cmake:cmake ninja:ninja-build ccache:ccache \
	/usr/lib/python3/dist-packages/kconfiglib.py:python3-kconfiglib || {
	say "skip: needs cmake, ninja, ccache and Kconfiglib (Debian: cmake ninja-build ccache python3-kconfiglib)"
	exit 0
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdep-cmake.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The objects the last ninja run compiled, by source base name, sorted.
built() {
	sed -n 's|.*Building C object .*/src/\([a-z]*\)\.c\.o$|\1|p' "$1" |
		LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# step WANT LABEL: run ninja and check what it recompiled.
step() {
	ninja -C "$b" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "$name: ninja failed"; }
	got=$(built "$tmp/log")
	printf '    %-28s %s\n' "$2" "${got:-none}"
	[ "$got" = "$1" ] || fail "$name, $2: recompiled '${got:-none}', want '${1:-none}'"
}

# set NAME VALUE in prj.conf (VALUE n: "is not set")
setopt() {
	local line="CONFIG_$1=$2"
	[ "$2" = n ] && line="# CONFIG_$1 is not set"
	sed -i -e "/^CONFIG_$1=/c\\$line" -e "/^# CONFIG_$1 is not set/c\\$line" \
		"$s/prj.conf"
	grep -qxF "$line" "$s/prj.conf" || fail "cannot set $1"
}

all="log main net uart version"
run() { # NAME SYNC LAUNCHER
	name=$1
	s=$tmp/$name-src b=$tmp/$name-build
	cp -r "$top/examples/cmake" "$s"
	cmake -G Ninja -S "$s" -B "$b" -DKDEP="$kdep" -DKCONFIG_SYNC="$2" \
		-DKDEP_LAUNCHER="$3" > "$tmp/cmake.log" 2>&1 ||
		{ cat "$tmp/cmake.log"; fail "$name: cmake failed"; }
	local with=$all
	if [ "$3" = ON ]; then with=; fi
	say "$name"
	step "$all" "first build"
	step "" "nothing changed"
	touch "$b/kconfig/include/generated/autoconf.h"
	step "$with" "touch autoconf.h"
	cmake "$b" > /dev/null 2>&1 || fail "$name: cmake again failed"
	step "" "configure again, no change"
	setopt LOG_LEVEL 4
	step "${with:-log main uart}" "LOG_LEVEL 3 -> 4"
	setopt NET y
	step "${with:-net}" "NET n -> y"
	setopt NET n
	step "${with:-net}" "NET y -> n"
	setopt DEBUG y
	step "${with:-main}" "DEBUG n -> y"
	setopt SPARE 2
	step "$with" "SPARE 1 -> 2"
}

run kconfiglib-launcher kconfiglib ON
run kconfiglib-plain kconfiglib OFF
run kdep-launcher kdep ON

# ---- chained with ccache ------------------------------------------------
name=ccache s=$tmp/ccache-src b=$tmp/ccache-build
export CCACHE_DIR=$tmp/ccache-dir
cp -r "$top/examples/cmake" "$s"
cmake -G Ninja -S "$s" -B "$b" -DKDEP="$kdep" -DKDEP_EXTRA_LAUNCHER=ccache \
	> "$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "ccache: cmake failed"; }
grep -q 'kdep cc .* -- ccache ' "$b/CMakeFiles/rules.ninja" ||
	fail "ccache: build.ninja does not chain kdep cc -- ccache"
say "ccache"
step "$all" "first build (ccache misses)"
ninja -C "$b" -t clean > /dev/null
step "$all" "after ninja -t clean (hits)"
hits=$(ccache -s -v 2>/dev/null | sed -n 's/^ *Hits: *\([0-9]*\).*/\1/p' | head -1)
[ "${hits:-0}" -ge 5 ] || fail "ccache: $hits hits, want 5 or more"
deps=$(ninja -C "$b" -t deps)
! grep -q 'autoconf\.h$' <<< "$deps" || fail "ccache: autoconf.h still listed"
grep -q 'include/config/net\.h$' <<< "$deps" || fail "ccache: no stamp for NET"
setopt NET y
step "net" "NET n -> y"
say "all steps recompiled what they should"
