#!/bin/bash
# valgrind.sh - fixdep and kdep under valgrind's memcheck: no invalid
# access, no use of uninitialised memory, no definitely lost block, on
# the paths a build takes (fixdep cold, with a cold and a warm scan cache,
# with --record; kdep stale, hash, stamp-path, sync-config).
#
# memcheck replaces malloc through the dynamic loader, which a static
# program never runs, so the tools are linked again, dynamically, from
# tools/*.c, tools/common/tool.c and libkdep.a.  Skipped when valgrind
# is not installed or the library was built with SANITIZE=1 (ASan and
# valgrind do not mix).
set -u
export LC_ALL=C

top=${KDEP_TOP:?KDEP_TOP must be the repository top}
if ! command -v valgrind >/dev/null; then
	echo "  valgrind: not installed, skipped"
	exit 0
fi
if nm "$top/libkdep.a" 2>/dev/null | grep -q __asan_; then
	echo "  valgrind: libkdep.a is built with sanitizers, skipped"
	exit 0
fi
unset KDEP_COMPAT KDEP_CACHE KDEP_RECORD
# shellcheck source-path=SCRIPTDIR source=../stress/lib.sh
. "$top/tests/stress/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

mkdir bin
for t in fixdep kdep; do
	${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g \
		-I"$top/libkdep" -I"$top/tools/common" \
		-DKDEP_VERSION='"valgrind"' -o "bin/$t" "$top/tools/$t.c" \
		"$top/tools/common/tool.c" "$top/libkdep.a" ||
		{ echo "FAIL: cannot link bin/$t"; exit 1; }
done

# vg NAME STATUS CMD...: CMD under memcheck must exit STATUS; a memcheck
# finding makes it exit 99.  Files are named after the chain ($chain).
vg() {
	local name=$1 want=$2 rc
	shift 2
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 --log-file="$chain.log" "$@" \
		>"$chain.out" 2>"$chain.err"
	rc=$?
	if [ "$rc" = "$want" ] && [ ! -s "$chain.log" ]; then
		printf '  PASS  %s\n' "$name"
	else
		printf '  FAIL  %s: exit %s, want %s\n' "$name" "$rc" "$want"
		sed 's/^/        /' "$chain.log" "$chain.err" | head -40
	fi
}

f=bin/fixdep k=bin/kdep chain=x

# Two chains, each in order, side by side: valgrind starts slowly.
fixdeps() {
	vg "fixdep, no cache" 0 $f --compat=linux-6.3 deps/o0.d obj/o0.o cc
	cp "$chain.out" o0.cmd
	vg "fixdep, cold cache" 0 $f --compat=linux-6.3 --cache=c deps/o0.d obj/o0.o cc
	cmp -s "$chain.out" o0.cmd || echo "  FAIL  cold cache output differs"
	vg "fixdep, warm cache" 0 $f --compat=linux-6.3 --cache=c deps/o0.d obj/o0.o cc
	cmp -s "$chain.out" o0.cmd || echo "  FAIL  warm cache output differs"
	vg "kdep hash" 0 $k hash include/h1.h include/h2.h
}

kdeps() {
	vg "fixdep --record -o" 0 $f --compat=linux-6.3 --record -o o3.cmd \
		deps/o3.d obj/o3.o cc
	vg "kdep stale -v, stale" 1 $k stale -v --cmd other obj/o3.o obj/o2.o
	vg "kdep stamp-path" 0 $k stamp-path --layout=split --dir=include/config \
		FOO_BAR __put_user_2
	printf 'CONFIG_A=y\nCONFIG_B="x"\n# CONFIG_C is not set\n' >.config
	$k sync-config --dir=inc/config --autoconf=inc/autoconf.h .config
	printf 'CONFIG_A=m\nCONFIG_B="y"\n' >.config
	vg "kdep sync-config, a change" 0 $k sync-config -v --dir=inc/config \
		--autoconf=inc/autoconf.h .config
}

kd_mktree 60 4
chain=a fixdeps >a.res &
chain=b kdeps >b.res
wait
cat a.res b.res
if grep -q FAIL a.res b.res; then
	echo "valgrind: $(grep -c FAIL a.res b.res | awk -F: '{ n += $2 } END { print n }') runs failed"
	exit 1
fi
echo "valgrind: all runs clean"
