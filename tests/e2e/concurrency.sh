#!/bin/bash
# concurrency.sh - parallel fixdep runs sharing one scan cache and one
# build tree print what a serial run without the cache prints.
#
# A synthetic tree of 200 headers and 50 objects (tests/stress/lib.sh),
# two rounds of 200 calls, 8 at a time, with headers edited between the
# rounds (new content, same-size edits with the mtime put back, files
# renamed over): the second round must see every change.  Each call also
# writes its record; records written by many processes at once must equal
# the serial run's.  `make stress` does the same at 64 x 10 000.
set -u
export LC_ALL=C

top=${KDEP_TOP:?KDEP_TOP must be the repository top}
fixdep=$top/tools/fixdep
[ -x "$fixdep" ] || { echo "FAIL: $fixdep is not built"; exit 1; }
unset KDEP_COMPAT KDEP_CACHE KDEP_RECORD
# shellcheck source-path=SCRIPTDIR source=../stress/lib.sh
. "$top/tests/stress/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/concurrency.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# a copy: a rebuild during the run must not swap the program under test
cp "$fixdep" "$work/fixdep" && fixdep=$work/fixdep

kd_mktree 200 50
for r in 1 2; do
	[ "$r" = 1 ] || kd_edit "$r"
	if ! msg=$(kd_round "$fixdep" 8 200 "$r"); then
		echo "FAIL: concurrency: $msg"
		exit 1
	fi
	echo "  concurrency: $msg"
done
