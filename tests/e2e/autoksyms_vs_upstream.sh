#!/bin/bash
# autoksyms against the Linux 6.1 scripts it replaces: adjust_autoksyms.sh,
# gen_autoksyms.sh and gen_ksymdeps.sh.
#
# Each scenario builds one synthetic build root (modules.order, .usyms,
# include/config/auto.conf, a whitelist, an old autoksyms.h), copies it to
# up/ and ours/, runs the scripts in up/ and tools/autoksyms in ours/ with
# the same environment (kbuild's LC_COLLATE=C, quiet, abs_srctree), and
# compares: stdout, stderr where the scripts print their own message, the
# exit status, whether the rebuild command ran, the list of files, and the
# bytes of every file but the stamps.  Stamps are compared by name (ours
# hold the symbol's state, the scripts' are empty) and by being newer than
# the header in both.
#
# The scripts are never part of the repository: they are read from an
# extracted Debian linux-source-6.1 ($KDEP_UPSTREAM_SCRIPTS, /tmp/ksrc or
# the compat harness's /var/tmp/libkdep-compat); tests/bench/autoksyms.sh
# fetches them.  Without them the test is skipped.
set -u
top=${KDEP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=$top/tools/autoksyms

find_scripts() {
	local d
	for d in ${KDEP_UPSTREAM_SCRIPTS:-} \
		/tmp/ksrc/s6.1/linux-source-6.1/scripts \
		/var/tmp/libkdep-compat/linux-source-6.1/scripts \
		/var/tmp/libkdep-compat/autoksyms-6.1/scripts; do
		if [ -f "$d/adjust_autoksyms.sh" ] && [ -f "$d/gen_autoksyms.sh" ] &&
			[ -f "$d/gen_ksymdeps.sh" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

if ! scripts=$(find_scripts); then
	echo "autoksyms_vs_upstream: SKIP: Linux 6.1 scripts not found" \
		"(run tests/bench/autoksyms.sh once, or set KDEP_UPSTREAM_SCRIPTS)"
	exit 0
fi
srctree=$(dirname "$scripts")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/autoksyms-vs.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# Run in root $1, as kbuild does: LC_COLLATE=C exported, CONFIG_SHELL,
# srctree, abs_srctree, and quiet from the caller ($q).
kenv() {
	env -i PATH="$PATH" LC_COLLATE=C LC_NUMERIC=C CONFIG_SHELL=sh \
		srctree="$srctree" abs_srctree="$tmp/src" quiet="${q:-}" \
		KBUILD_VERBOSE="${verbose:-0}" "$@"
}

up_adjust() { (cd "$tmp/up" && kenv sh "$scripts/adjust_autoksyms.sh" "$@"); }
our_adjust() { (cd "$tmp/ours" && kenv "$tool" "$@"); }

# Stamps newer than the header, by name: "name" per line.
newer_stamps() {
	local f
	(cd "$1" && for f in include/ksym/*; do
		[ -f "$f" ] || continue
		if [ "$f" -nt include/generated/autoksyms.h ]; then
			echo "newer $f"
		else
			echo "older-or-equal $f"
		fi
	done)
}

# Compare the two roots: file lists, bytes outside include/ksym.
compare_roots() {
	local what=$1 f
	checks=$((checks + 1))
	(cd "$tmp/up" && find . | LC_ALL=C sort) > "$tmp/up.files"
	(cd "$tmp/ours" && find . | LC_ALL=C sort) > "$tmp/ours.files"
	if ! diff -u "$tmp/up.files" "$tmp/ours.files"; then
		fail "$what: different files"
		return
	fi
	while read -r f; do
		[ -f "$tmp/up/$f" ] || continue
		case $f in
		./include/ksym/*)
			[ -s "$tmp/up/$f" ] && fail "$what: upstream stamp $f not empty"
			grep -qx "__KSYM_${f##*/} [01]\( redo\)\{0,1\}" "$tmp/ours/$f" ||
				fail "$what: stamp $f holds '$(cat "$tmp/ours/$f")'"
			;;
		*)
			cmp -s "$tmp/up/$f" "$tmp/ours/$f" || {
				diff -u "$tmp/up/$f" "$tmp/ours/$f"
				fail "$what: $f differs"
			}
			;;
		esac
	done < "$tmp/up.files"
	if ! diff -u <(newer_stamps "$tmp/up") <(newer_stamps "$tmp/ours"); then
		fail "$what: stamp mtimes relative to the header differ"
	fi
}

# Run one adjust step in both roots and compare everything.
# compare_adjust WHAT [ARGS...]
compare_adjust() {
	local what=$1 urc orc
	shift
	checks=$((checks + 1))
	up_adjust "$@" > "$tmp/up.out" 2> "$tmp/up.err"
	urc=$?
	our_adjust "$@" > "$tmp/ours.out" 2> "$tmp/ours.err"
	orc=$?
	[ "$urc" = "$orc" ] || fail "$what: exit $urc upstream, $orc ours"
	if [ -n "${VERBOSE:-}" ]; then
		echo "== $what (exit $urc)"
		cat "$tmp/up.out" "$tmp/up.err"
	fi
	if ! diff -u "$tmp/up.out" "$tmp/ours.out"; then
		fail "$what: stdout differs"
	fi
	# upstream's stderr holds the messages of the tools it calls (only
	# compared where the script prints its own)
	if [ "${cmp_stderr:-0}" = 1 ] && ! diff -u "$tmp/up.err" "$tmp/ours.err"; then
		fail "$what: stderr differs"
	fi
	compare_roots "$what"
}

# gen_autoksyms.sh FILE vs autoksyms --gen FILE (with --modorder: both).
compare_gen() {
	local what=$1 urc orc
	shift
	checks=$((checks + 1))
	(cd "$tmp/up" && kenv sh "$scripts/gen_autoksyms.sh" "$@") \
		> "$tmp/up.out" 2> "$tmp/up.err"
	urc=$?
	local args=() a
	for a in "$@"; do
		if [ "$a" = --modorder ]; then args+=(--modorder); else args+=(--gen "$a"); fi
	done
	(cd "$tmp/ours" && kenv "$tool" "${args[@]}") > "$tmp/ours.out" 2> "$tmp/ours.err"
	orc=$?
	[ "$urc" = "$orc" ] || fail "$what: exit $urc upstream, $orc ours"
	diff -u "$tmp/up.out" "$tmp/ours.out" || fail "$what: stdout differs"
	if [ "${cmp_stderr:-0}" = 1 ] && ! diff -u "$tmp/up.err" "$tmp/ours.err"; then
		fail "$what: stderr differs"
	fi
	compare_roots "$what"
}

fresh() {
	rm -rf "$tmp/base" "$tmp/up" "$tmp/ours" "$tmp/src"
	mkdir -p "$tmp/base/include/config" "$tmp/base/include/generated" \
		"$tmp/src"
	cd "$tmp/base" || exit 1
}

fork_roots() {
	cp -a "$tmp/base" "$tmp/up"
	cp -a "$tmp/base" "$tmp/ours"
	cd "$tmp" || exit 1
}

# Edit both roots the same way: in_both 'shell commands'.
in_both() {
	(cd "$tmp/up" && eval "$1")
	(cd "$tmp/ours" && eval "$1")
}

# ---- 1. the recursion of a 6.1 build: prepare, then adjust passes -------
fresh
printf 'drivers/net/a.ko\nfs/b.ko\nlib/c.ko\n' > modules.order
mkdir -p drivers/net fs lib
printf 'printk\n.memcpy\n__this_module\nkmalloc\nZeta\n' > drivers/net/a.usyms
printf 'printk\n_a  a\n__x\nA1\n' > fs/b.usyms
: > lib/c.usyms
printf 'CONFIG_MODVERSIONS=y\nCONFIG_TRIM_UNUSED_KSYMS=y\n' > include/config/auto.conf
fork_roots
compare_gen "prepare: gen_autoksyms.sh without --modorder" include/generated/autoksyms.h
compare_adjust "first pass adds every module symbol" "echo REBUILD pass"
compare_adjust "second pass: nothing changed, no rebuild" "echo REBUILD pass"
in_both 'printf "printk\nvfree\n" > lib/c.usyms; printf "printk\n" > drivers/net/a.usyms'
compare_adjust "symbols added and removed" "echo REBUILD pass"
in_both 'printf "kzalloc\n" >> lib/c.usyms'
q=silent_ compare_adjust "quiet=silent_: no messages, still rebuilds" "echo REBUILD"
in_both 'printf "vzalloc\n" >> lib/c.usyms'
compare_adjust "several arguments" echo REBUILD with args
in_both 'printf "vmalloc\n" >> lib/c.usyms'
compare_adjust "no command: nothing to exec"
in_both 'printf "vmap\n" >> lib/c.usyms'
verbose=1 compare_adjust "KBUILD_VERBOSE=1: same stdout (traces on stderr)" "echo REBUILD"
in_both 'printf "\n\n" > lib/c.usyms; : > drivers/net/a.usyms; : > fs/b.usyms'
compare_adjust "every module symbol dropped" "echo REBUILD"
compare_gen "gen_autoksyms.sh --modorder" --modorder include/generated/autoksyms.h

# ---- 2. whitelists --------------------------------------------------------
fresh
printf 'm.ko\n' > modules.order
printf 'printk\n' > m.usyms
printf 'wl_one\n.wl_two wl_three\n' > "$tmp/src/wl.txt"
printf 'CONFIG_UNUSED_KSYMS_WHITELIST=wl.txt\n' > include/config/auto.conf
fork_roots
compare_gen "relative whitelist under abs_srctree" include/generated/autoksyms.h
in_both 'printf "kfree\n" >> m.usyms'
compare_adjust "relative whitelist, adjust" "echo REBUILD"
in_both "printf 'CONFIG_UNUSED_KSYMS_WHITELIST=$tmp/src/wl.txt\n' > include/config/auto.conf; printf 'wl_four\n' >> m.usyms"
compare_adjust "absolute whitelist" "echo REBUILD"
in_both "printf 'CONFIG_UNUSED_KSYMS_WHITELIST=missing.txt\n' > include/config/auto.conf"
cmp_stderr=1 compare_adjust "missing whitelist: message and exit 1" "echo REBUILD"
cmp_stderr=1 compare_gen "missing whitelist in gen_autoksyms.sh" include/generated/autoksyms.h

# ---- 3. no modules at all, no old header ----------------------------------
fresh
: > modules.order
printf '# CONFIG_MODVERSIONS is not set\n' > include/config/auto.conf
fork_roots
compare_gen "no modules" include/generated/autoksyms.h
compare_adjust "no modules: nothing changes" "echo REBUILD"

# ---- 4. gen_ksymdeps.sh on real objects -------------------------------------
if command -v gcc > /dev/null && command -v nm > /dev/null; then
	fresh
	cat > k.c <<'EOF'
#define MARK(s) static int __ksym_marker_##s[0] __attribute__((section(".discard.ksym"), used))
MARK(zeta);
MARK(Alpha);
MARK(_under);
MARK(__kmalloc);
MARK(beta2);
MARK(beta);
int exported_function(void) { return 0; }
EOF
	printf 'int nothing_here;\n' > none.c
	gcc -c -o k.o k.c && gcc -c -o none.o none.c || fail "gcc"
	objs="k.o none.o"
	if gcc -m32 -c -o k32.o k.c 2> /dev/null; then objs="$objs k32.o"; fi
	fork_roots
	for o in $objs; do
		checks=$((checks + 1))
		(cd "$tmp/up" && kenv NM=nm sh "$scripts/gen_ksymdeps.sh" "$o") > "$tmp/up.out"
		urc=$?
		(cd "$tmp/ours" && kenv "$tool" --ksymdeps "$o") > "$tmp/ours.out"
		orc=$?
		[ "$urc" = "$orc" ] || fail "ksymdeps $o: exit $urc upstream, $orc ours"
		diff -u "$tmp/up.out" "$tmp/ours.out" || fail "ksymdeps $o: output differs"
	done
	grep -q ksymdeps_k.o "$tmp/ours.out" 2> /dev/null ||
		[ -s "$tmp/up.out" ] || echo "note: last object had no markers"
else
	echo "autoksyms_vs_upstream: no gcc/nm: gen_ksymdeps.sh not compared"
fi

if [ "$fails" -ne 0 ]; then
	echo "autoksyms_vs_upstream: $fails of $checks comparisons failed"
	exit 1
fi
echo "autoksyms_vs_upstream: $checks comparisons equal (scripts: $scripts)"
