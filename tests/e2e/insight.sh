#!/usr/bin/env bash
# insight.sh - kdep why, impact, stats and report on a real build folder.
#
# Builds the demo's sample tree (tests/demo/src, Kconfig.sample's
# sample.config) the kbuild way: kdep sync-config for the split config
# stamps, gcc -MD, fixdep for the .cmd files - main.o and log.o with
# content-hash records, the others without.  Then:
#   - impact of every path and every CONFIG symbol the .cmd files name
#     equals a brute-force grep over the .cmd files;
#   - stats --json parses and counts what is there;
#   - the report is one well-formed, self-contained HTML5 page
#     (tests/insight/htmlcheck.py, Python's html.parser);
#   - why answers from the record where there is one, else from mtimes;
#   - a truncated .cmd file is skipped with a warning naming it and its
#     line, and the answers stay the same;
#   - on the Linux 6.1/6.12 tinyconfig build folders of `make compat`,
#     when they are there (read only): nothing is skipped and impact
#     agrees with grep for a few headers and symbols.
set -u

top=${KDEP_TOP:?KDEP_TOP must be the repository top}
kdep=$top/tools/kdep
fixdep=$top/tools/fixdep
check=$top/tests/insight/htmlcheck.py
unset KDEP_COMPAT KDEP_CACHE KDEP_RECORD MAKEFLAGS MFLAGS

if ! command -v python3 >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		echo "  SETUP   python3 is missing: installing it with apt-get"
		(apt-get update -qq && apt-get install -y -qq python3) >/dev/null 2>&1
	fi
	command -v python3 >/dev/null 2>&1 || { echo "FAIL: insight.sh needs python3"; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kdep-insight.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$top/tests/demo/src/." "$work/"
cp "$top/tests/demo/sample.config" "$work/.config"
cd "$work" || exit 1

fails=0
pass() { printf '  PASS  %s\n' "$1"; }
fail() { printf '  FAIL  %s\n' "$1"; fails=$((fails + 1)); }
same() { # what, want, got
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"; printf '    want: %s\n    got:  %s\n' "$2" "$3"; fi
}

# ---- the build ----
"$kdep" sync-config --layout=split --dir=include/config \
	--autoconf=include/generated/autoconf.h .config || exit 1
objs="main.o log.o net.o codec.o regs.o"
for o in $objs; do
	cmd="gcc -Wall -Iinclude -include include/generated/autoconf.h -Wp,-MMD,.$o.d -c -o $o ${o%.o}.c"
	$cmd || exit 1
	case $o in main.o | log.o) rec=--record ;; *) rec= ;; esac
	"$fixdep" $rec --compat=linux-6.3 --layout=split ".$o.d" "$o" "$cmd" \
		>".$o.cmd" || exit 1
	rm -f ".$o.d"
done
printf 'savedcmd_demo := gcc -o demo %s\n' "$objs" >.demo.cmd

# ---- impact against grep ----
# The targets whose .cmd lists path p: as source_, as a file, or as a
# $(wildcard) stamp.
brute() {
	for f in .*.cmd; do
		if grep -qxF -e "  $1 \\" -e "    \$(wildcard $1) \\" "$f" ||
			grep -q "^source_.* := $1\$" "$f"; then
			t=${f#.}
			echo "${t%.cmd}"
		fi
	done | LC_ALL=C sort
}

paths=$(sed -n -e 's/^  \([^ ].*\) \\$/\1/p' -e 's/^    $(wildcard \(.*\)) \\$/\1/p' \
	-e 's/^source_.* := //p' .*.cmd | LC_ALL=C sort -u)
n=0 bad=0
for p in $paths; do
	want=$(brute "$p")
	got=$("$kdep" impact "$p" | sed '$d')
	n=$((n + 1))
	[ "$want" = "$got" ] || { bad=$((bad + 1)); echo "    $p: want [$want] got [$got]"; }
done
[ "$n" -ge 10 ] || fail "impact: only $n paths in the .cmd files"
same "impact of all $n paths equals grep over the .cmd files" 0 "$bad"

bad=0 n=0
for s in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' .config); do
	stamp=$("$kdep" stamp-path --layout=split --dir=include/config "${s#CONFIG_}")
	want=$(brute "$stamp")
	if [ -z "$want" ]; then
		"$kdep" impact "$s" >/dev/null 2>&1 && { bad=$((bad + 1)); echo "    $s: unused but found"; }
		continue
	fi
	n=$((n + 1))
	got=$("$kdep" impact "$s" | sed '$d')
	[ "$want" = "$got" ] || { bad=$((bad + 1)); echo "    $s: want [$want] got [$got]"; }
done
[ "$n" -gt 2 ] || fail "impact: only $n CONFIG symbols used"
same "impact of each CONFIG symbol ($n used) equals grep for its stamp" 0 "$bad"

same "impact --count" "$(brute include/demo/log.h | wc -l)" \
	"$("$kdep" impact --count include/demo/log.h)"
"$kdep" impact include/nope.h >/dev/null 2>err.txt
same "impact of an unknown path exits 1" "1 kdep: include/nope.h: no .cmd file lists it" \
	"$? $(cat err.txt)"

# ---- stats ----
"$kdep" stats --json >stats.json || fail "stats --json failed"
same "stats --json: objects, link steps, cmd files" "5 6 6" "$(python3 -c '
import json, sys
s = json.load(open("stats.json"))
print(s["objects"], s["targets"], s["cmdfiles"])')"
want=$(sed -n 's/^  \(include\/demo\/.*\) \\$/\1/p' .*.cmd | sort -u | wc -l)
same "stats --json: distinct headers" "$want" \
	"$(python3 -c 'import json; print(json.load(open("stats.json"))["headers"])')"
"$kdep" stats --top=3 >stats.txt || fail "stats failed"
grep -q '^top headers by fan-in x size' stats.txt && pass "stats prints its tables" ||
	fail "stats prints its tables"

# ---- report ----
"$kdep" report --title='demo <build>' -o report.html || fail "report failed"
if python3 "$check" report.html; then pass "report is well-formed, self-contained HTML5"
else fail "report is well-formed, self-contained HTML5"; fi
grep -q '<title>demo &lt;build&gt;</title>' report.html && pass "report title is escaped" ||
	fail "report title is escaped"

# ---- why ----
out=$("$kdep" why main.o net.o); rc=$?
same "why: fresh build, one from its record, one from mtimes" \
	"0|main.o: up to date [record]|net.o: up to date [mtime: no record]" "$rc|$(echo "$out" | paste -sd'|')"
sleep 0.02
touch include/demo/net.h
out=$("$kdep" why main.o net.o); rc=$?
same "why: a touched header counts for mtimes only" \
	"1|main.o: up to date [record]|net.o: include/demo/net.h is newer [mtime: no record]" \
	"$rc|$(echo "$out" | paste -sd'|')"
echo '/* edited */' >>include/demo/log.h
out=$("$kdep" why main.o); rc=$?
same "why: an edited header is the record's reason" \
	"1|main.o: include/demo/log.h content changed [record]" "$rc|$(echo "$out" | paste -sd'|')"

# ---- a malformed .cmd file ----
before=$("$kdep" impact include/demo/log.h)
head -c 300 .main.o.cmd >.broken.o.cmd
"$kdep" impact include/demo/log.h >after.txt 2>warn.txt
same "a truncated .cmd file is skipped, the answers stay" "$before" "$(cat after.txt)"
grep -q '^kdep: warning: \./\.broken\.o\.cmd:[0-9]*: .*(skipped)$' warn.txt ||
	grep -q '^kdep: warning: \.broken\.o\.cmd:[0-9]*: .*(skipped)$' warn.txt &&
	pass "its warning names the file and line" ||
	{ fail "its warning names the file and line"; cat warn.txt; }
rm -f .broken.o.cmd

# ---- the real kernel build folders (read only) ----
for v in 6.1 6.12; do
	k=/var/tmp/libkdep-compat/linux-source-$v
	if [ ! -f "$k/vmlinux" ] && [ ! -f "$k/arch/x86/boot/bzImage" ]; then
		echo "  SKIP  Linux $v: no finished build at $k (make compat)"
		continue
	fi
	"$kdep" stats -C "$k" --json >"k$v.json" 2>"k$v.err" || fail "Linux $v: stats"
	same "Linux $v: every .cmd file read, none skipped" "" "$(cat "k$v.err")"
	bad=0
	for h in include/linux/kconfig.h include/linux/fs.h include/linux/sched.h \
		arch/x86/include/asm/processor.h; do
		want=$(cd "$k" && grep -rlx --include='.*.cmd' -F "  $h \\" . | wc -l)
		got=$("$kdep" impact -C "$k" --count "$h")
		[ "$want" = "$got" ] || { bad=$((bad + 1)); echo "    $h: grep $want, kdep $got"; }
	done
	for s in SMP PRINTK MMU; do
		want=$(cd "$k" && grep -rl --include='.*.cmd' -F "\$(wildcard include/config/$s) \\" . | wc -l)
		got=$("$kdep" impact -C "$k" --count "CONFIG_$s" 2>/dev/null || echo 0)
		[ "$want" = "$got" ] || { bad=$((bad + 1)); echo "    CONFIG_$s: grep $want, kdep $got"; }
	done
	same "Linux $v: impact of 4 headers and 3 symbols equals grep" 0 "$bad"
done

[ "$fails" -eq 0 ] || { echo "insight.sh: $fails failed"; exit 1; }
exit 0
