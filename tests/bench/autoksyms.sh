#!/bin/bash
# autoksyms against the Linux 6.1 scripts/adjust_autoksyms.sh (with its
# gen_autoksyms.sh), end to end, on a synthetic build root where 2000
# symbols change: 1000 dropped, 1000 added, 1000 kept, in 100 modules.
#
# Each run starts from a fresh copy of the same root; the time is the
# wall-clock time of one adjust pass (rebuild command: true).  Prints the
# median of $RUNS runs (default 5) for each and their ratio; exits 1 if
# autoksyms is less than 50 times faster or the headers differ.
#
# The scripts come from Debian's linux-source-6.1 at run time and are never
# committed: an extraction in /tmp/ksrc or /var/tmp/libkdep-compat is
# reused, else the package is fetched with `apt-get download` into
# /var/tmp/libkdep-compat/debs and only the three scripts are extracted to
# /var/tmp/libkdep-compat/autoksyms-6.1/scripts.
set -euo pipefail
top=${KDEP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=$top/tools/autoksyms
runs=${RUNS:-5}
work=${KDEP_COMPAT_DIR:-/var/tmp/libkdep-compat}
want="adjust_autoksyms.sh gen_autoksyms.sh gen_ksymdeps.sh"

say() { printf 'bench autoksyms: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

have_scripts() {
	local s
	for s in $want; do [ -f "$1/$s" ] || return 1; done
}

find_scripts() {
	local d
	for d in ${KDEP_UPSTREAM_SCRIPTS:-} \
		/tmp/ksrc/s6.1/linux-source-6.1/scripts \
		"$work/linux-source-6.1/scripts" \
		"$work/autoksyms-6.1/scripts"; do
		if have_scripts "$d"; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

# Download linux-source-6.1 (unless a .deb is already there) and extract
# just the three scripts from the source tarball inside it.
fetch_scripts() {
	local deb dest=$work/autoksyms-6.1 s members=()
	mkdir -p "$work/debs"
	deb=$(ls "$work"/debs/linux-source-6.1_*_all.deb 2> /dev/null | tail -n 1 || true)
	if [ -z "$deb" ]; then
		say "apt-get download linux-source-6.1 (once; about 150 MB)"
		rm -rf "$work/debs/tmp" && mkdir -p "$work/debs/tmp"
		(cd "$work/debs/tmp" && apt-get download linux-source-6.1 >&2) ||
			(cd "$work/debs/tmp" && apt-get update -q >&2 &&
				apt-get download linux-source-6.1 >&2) ||
			die "apt-get download linux-source-6.1 failed"
		mv "$work"/debs/tmp/linux-source-6.1_*_all.deb "$work/debs/"
		rmdir "$work/debs/tmp"
		deb=$(ls "$work"/debs/linux-source-6.1_*_all.deb | tail -n 1)
	fi
	say "extracting $want from $(basename "$deb")"
	for s in $want; do members+=("linux-source-6.1/scripts/$s"); done
	rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - ./usr/src/linux-source-6.1.tar.xz |
		tar -xJf - -C "$dest.tmp" --strip-components=1 "${members[@]}" ||
		die "cannot extract the scripts from $deb"
	rm -rf "$dest" && mv "$dest.tmp" "$dest"
	have_scripts "$dest/scripts" || die "scripts missing after extraction"
}

[ -x "$tool" ] || die "$tool is not built (run make)"
scripts=$(find_scripts) || { fetch_scripts && scripts=$(find_scripts); } ||
	die "no Linux 6.1 scripts"
srctree=$(dirname "$scripts")

# On tmpfs by default: on a disk, creating a file can cost anywhere from
# 30 us to over 1 ms depending on which block group the folder lands in
# (ext4 initializes inode tables lazily), which measures the disk, not
# the programs.  BENCH_DIR=/some/disk/folder measures a disk.
bdir=${BENCH_DIR:-}
if [ -z "$bdir" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then bdir=/dev/shm; else bdir=${TMPDIR:-/tmp}; fi
fi
tmp=$(mktemp -d "$bdir/autoksyms-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The root: 100 modules; module i keeps k<i>_0..9 and needs n<i>_0..9 that
# the old header lacks; the old header also lists d<i>_0..9, now unused.
base=$tmp/base
mkdir -p "$base/include/config" "$base/include/generated" "$base/include/ksym"
(
	cd "$base"
	printf 'CONFIG_TRIM_UNUSED_KSYMS=y\n' > include/config/auto.conf
	: > modules.order
	old=()
	for i in $(seq 0 99); do
		mkdir -p "drivers/d$i"
		echo "drivers/d$i/m$i.ko" >> modules.order
		for j in $(seq 0 9); do
			printf 'printk\nk%d_%d\nn%d_%d\n' "$i" "$j" "$i" "$j"
			old+=("k${i}_$j" "d${i}_$j")
		done > "drivers/d$i/m$i.usyms"
	done
	old+=(printk)
	{
		printf '/*\n * Automatically generated file; DO NOT EDIT.\n */\n\n'
		printf '%s\n' "${old[@]}" | LC_ALL=C sort -u |
			sed 's/.*/#define __KSYM_& 1/'
	} > include/generated/autoksyms.h
	for s in "${old[@]}"; do : > "include/ksym/$s"; done
)

kenv() {
	env -i PATH="$PATH" LC_COLLATE=C LC_NUMERIC=C CONFIG_SHELL=sh \
		srctree="$srctree" abs_srctree="$base" "$@"
}

# time_one DIR CMD...: seconds of one run in a fresh copy DIR of the root
time_one() {
	local dir=$1 t0 t1
	shift
	rm -rf "$dir" && cp -a "$base" "$dir"
	# let the copy reach the disk first: a run that creates files while
	# the kernel still writes the copy's back measures the writeback
	sync -f "$dir" 2> /dev/null || sync
	cd "$dir"
	t0=$EPOCHREALTIME
	kenv "$@" > "$dir.out" 2>&1 || die "$* failed: $(cat "$dir.out")"
	t1=$EPOCHREALTIME
	cd "$tmp"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

up=() ours=()
for r in $(seq 1 "$runs"); do
	up+=("$(time_one "$tmp/up" sh "$scripts/adjust_autoksyms.sh" true)")
	ours+=("$(time_one "$tmp/ours" "$tool" true)")
	say "run $r/$runs: scripts ${up[-1]} s, autoksyms ${ours[-1]} s"
done

grep -q 'changed=2000$' "$tmp/up.out" || die "scripts: $(cat "$tmp/up.out")"
cmp -s "$tmp/up.out" "$tmp/ours.out" || die "different messages"
cmp -s "$tmp/up/include/generated/autoksyms.h" \
	"$tmp/ours/include/generated/autoksyms.h" || die "different headers"

mu=$(printf '%s\n' "${up[@]}" | median)
mo=$(printf '%s\n' "${ours[@]}" | median)
ratio=$(awk -v a="$mu" -v b="$mo" 'BEGIN { printf "%.0f", a / b }')
printf 'autoksyms: 2000 changed symbols, median of %d on %s: 6.1 scripts %.3f s, autoksyms %.4f s, %sx faster\n' \
	"$runs" "$(stat -f -c %T "$tmp")" "$mu" "$mo" "$ratio"
if [ "$ratio" -lt 50 ]; then
	say "below the 50x target"
	exit 1
fi
