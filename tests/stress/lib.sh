# shellcheck shell=bash
# lib.sh - a synthetic kernel-like build tree and parallel fixdep rounds,
# shared by tests/e2e/concurrency.sh, tests/e2e/faults.sh and `make stress`.
#
# The tree (made in the current folder by kd_mktree H O):
#   include/hI.h      I < H: CONFIG_ symbols, some shared between headers
#                     (CONFIG_S*, CONFIG_M*_MODULE), one per header and
#                     version (CONFIG_T<I>_V<v>, v a digit, so an edit to
#                     another version keeps the size)
#   include/generated/autoconf.h   listed by every depfile, never read
#   src/oJ.c          J < O: one source per object
#   deps/oJ.d         "obj/oJ.o: src/oJ.c autoconf.h" and 20..59 headers,
#                     a pseudo-random subset, repeats included
#   obj/oJ.o          the targets, for --record
# Object J uses profile linux-6.3 when J is even and linux-4.17 (split
# stamps, other scan options) when odd: two cache keys per header.
#
# A round (kd_round PAR N R): the serial reference of every object, made
# without a cache, then N invocations of fixdep --cache --record -o, PAR at
# a time, over the objects in turn, all sharing one cache and one tree;
# every output must equal its reference byte for byte, and so must every
# record (written by many processes at once) equal the serial run's.
# kd_edit R changes headers between rounds: new content, same-size edits
# with the mtime put back, and files renamed over; the next round's
# outputs must follow the new content.

kd_header() { # index version extra
	local i=$1 v=$2 extra=$3
	printf '/* header %d */\n#ifndef H_%d\n#define H_%d\n' "$i" "$i" "$i"
	if ((i % 5 != 4)); then
		printf '#ifdef CONFIG_S%d\n' $((i % 97))
		printf '#define X_%d IS_ENABLED(CONFIG_M%d_MODULE)\n' "$i" $((i % 53))
		printf '#endif\n'
	fi
	printf 'static inline int f_%d(void) { return CONFIG_T%d_V%d; }\n' "$i" "$i" "$v"
	[ -z "$extra" ] || printf '%s\n' "$extra"
	printf '/* filler so that reads are not trivially small: %0200d */\n' 0
	printf '#endif\n'
}

kd_mktree() { # headers objects
	local h=$1 o=$2 i j k n
	mkdir -p include/generated src deps obj out ref
	: >kd.headers
	for ((i = 0; i < h; i++)); do
		kd_header "$i" 0 "" >"include/h$i.h"
	done
	printf '#define CONFIG_S1 1\n' >include/generated/autoconf.h
	for ((j = 0; j < o; j++)); do
		printf '#include "h%d.h"\nint o%d = CONFIG_S%d + CONFIG_SRC%d;\n' \
			$((j % h)) "$j" $((j % 97)) "$j" >"src/o$j.c"
		{
			printf 'obj/o%d.o: src/o%d.c include/generated/autoconf.h \\\n' "$j" "$j"
			n=$((20 + j % 40))
			for ((k = 0; k < n; k++)); do
				printf '  include/h%d.h \\\n' $(((j * 31 + k * 17) % h))
			done
			printf '\n'
		} >"deps/o$j.d"
		: >"obj/o$j.o"
	done
	# fixed times in the past, inputs before depfiles before targets, so
	# that records list hashes (not "unknown") and every run agrees
	find include src -type f -exec touch -d @1500000000 {} +
	find deps -type f -exec touch -d @1600000000 {} +
	find obj -type f -exec touch -d @1600000100 {} +
	echo "$h $o" >kd.size
}

kd_profile() { # object; sets kd_prof (no subshell: called 10 000 times)
	if (($1 % 2 == 0)); then kd_prof=linux-6.3; else kd_prof=linux-4.17; fi
}

# Change about a fifth of the headers for round r, three ways.
kd_edit() { # round
	local r=$1 h o i v
	read -r h o <kd.size
	for ((i = 0; i < h; i++)); do
		v=$(((r + i) % 10))
		if (((i + r) % 11 == 0)); then
			# same size, same mtime: only the ctime tells
			kd_header "$i" "$v" "" >kd.tmp
			if [ "$(wc -c <kd.tmp)" = "$(wc -c <"include/h$i.h")" ]; then
				touch -r "include/h$i.h" kd.ref
				cat kd.tmp >"include/h$i.h"
				touch -r kd.ref "include/h$i.h"
			fi
		elif (((i + r) % 13 == 0)); then
			# a new inode renamed over the old one
			kd_header "$i" "$v" "int r$r = CONFIG_NEW$r;" >kd.tmp
			touch -d @$((1500000000 + r)) kd.tmp
			mv kd.tmp "include/h$i.h"
		elif (((i + r) % 7 == 0)); then
			kd_header "$i" "$v" "#if CONFIG_R${r}_$((i % 3))" >"include/h$i.h"
			printf '#endif\n' >>"include/h$i.h"
			touch -d @$((1500000000 + r)) "include/h$i.h"
		fi
	done
	rm -f kd.tmp kd.ref
}

# Serial references without a cache: ref/oJ.cmd and ref/.oJ.o.kdep.
kd_serial() { # fixdep
	local fixdep=$1 h o j
	read -r h o <kd.size
	for ((j = 0; j < o; j++)); do
		kd_profile "$j"
		"$fixdep" --compat="$kd_prof" --record "deps/o$j.d" \
			"obj/o$j.o" "cc -c src/o$j.c" >"ref/o$j.cmd" || return 1
		mv "obj/.o$j.o.kdep" "ref/.o$j.o.kdep"
	done
}

# n parallel invocations, par at a time, then compare.  Prints one line.
kd_round() { # fixdep par n round
	local fixdep=$1 par=$2 n=$3 r=$4 h o j k bad
	read -r h o <kd.size
	kd_serial "$fixdep" || { echo "serial run failed"; return 1; }
	rm -rf out && mkdir out
	for ((k = 0; k < n; k++)); do
		j=$((k % o))
		kd_profile "$j"
		printf -- '--cache=cache --record -o out/%d.%d.cmd --compat=%s ' \
			"$j" "$k" "$kd_prof"
		printf -- 'deps/o%d.d obj/o%d.o '\''cc -c src/o%d.c'\''\n' \
			"$j" "$j" "$j"
	done >kd.calls
	if ! xargs -P "$par" -L 1 "$fixdep" <kd.calls; then
		echo "round $r: a parallel fixdep failed"
		return 1
	fi
	# one sha1sum over everything instead of n cmp processes
	bad=$( (cd ref && sha1sum o*.cmd) | sed 's/ \*\{0,1\}o\([0-9]*\)\.cmd$/ \1/' |
		sort -k2,2 >kd.refsums
	(cd out && sha1sum ./*.cmd) |
		sed 's/ \*\{0,1\}\.\/\([0-9]*\)\.\([0-9]*\)\.cmd$/ \1 \2/' |
		sort -k2,2 | join -1 2 -2 2 -o 1.1,2.1,1.3 - kd.refsums |
		awk '$1 != $2 { print $3 }')
	if [ -n "$bad" ] || [ "$(find out -name '*.cmd' | wc -l)" != "$n" ]; then
		echo "round $r: outputs differ from the serial run: calls $(echo "$bad" | tr "\n" " " | head -c 200)"
		return 1
	fi
	for ((k = 0; k < o; k++)); do
		if ! cmp -s "obj/.o$k.o.kdep" "ref/.o$k.o.kdep"; then
			echo "round $r: record of obj/o$k.o differs from the serial run"
			return 1
		fi
	done
	if [ -n "$(find . -name '*.tmp.*' | head -1)" ]; then
		echo "round $r: temporary files left behind"
		return 1
	fi
	echo "round $r: $n calls, $par at a time, $o objects, $h headers: all identical to the serial run"
}
