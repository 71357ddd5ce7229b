#!/bin/bash
# make bench-insight: kdep stats and kdep impact over real and synthetic
# build folders.
#
#   - the Linux 6.1 and 6.12 x86_64 tinyconfig build folders of
#     tests/compat/prepare (downloaded and built on first use; read only);
#   - a synthetic allmodconfig-sized folder: 20,000 .cmd files made from
#     6.1's object .cmd files by tests/bench/insight-gen.py (some 730 MB),
#     and its first 5,000 and 10,000 (hard links) to see that time and
#     memory grow linearly.  It is generated once into
#     $KDEP_INSIGHT_DIR (default /var/tmp/kdep-insight-synth).
#
# Each row: the median of BENCH_ROUNDS runs (default 5) of wall time and
# CPU time (user + system), peak RSS, and MB of .cmd text per second.
# Files are in the page cache (one unmeasured run first).  The machine is
# shared: where wall time is well above CPU time, other jobs had the CPU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${KDEP_TOP:-$(cd "$here/../.." && pwd)}
kdep=$top/tools/kdep
rounds=${BENCH_ROUNDS:-5}
synth=${KDEP_INSIGHT_DIR:-/var/tmp/kdep-insight-synth}
gnutime=/usr/bin/time

if [ ! -x "$gnutime" ]; then
	echo "bench-insight: installing GNU time (apt-get install time)"
	apt-get install -y -qq time >/dev/null
fi

{ read -r tree61; read -r _; } < <("$top/tests/compat/prepare" 6.1)
{ read -r tree612; read -r _; } < <("$top/tests/compat/prepare" 6.12)

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run NAME DIR ARGS...: one row
run() {
	local name=$1 dir=$2 out=$(mktemp) i
	shift 2
	"$kdep" "$1" -C "$dir" "${@:2}" >/dev/null 2>&1 || true
	for ((i = 0; i < rounds; i++)); do
		"$gnutime" -f '%e %U %S %M' -a -o "$out" "$kdep" "$1" -C "$dir" \
			"${@:2}" >/dev/null 2>/dev/null
	done
	local wall cpu rss bytes
	wall=$(awk '{ print $1 }' "$out" | median)
	cpu=$(awk '{ print $2 + $3 }' "$out" | median)
	rss=$(awk '{ print $4 }' "$out" | median)
	bytes=$("$kdep" stats -C "$dir" --json --top=0 2>/dev/null |
		sed -n 's/.*"cmdbytes": \([0-9]*\).*/\1/p')
	awk -v n="$name" -v w="$wall" -v c="$cpu" -v r="$rss" -v b="$bytes" 'BEGIN {
		mb = b / 1048576
		printf "| %s | %.1f | %.3f | %.3f | %.0f | %.0f | %.0f | %.1f%% |\n",
			n, mb, w, c, (w > 0 ? mb / w : 0), (c > 0 ? mb / c : 0),
			r / 1024, r * 1024 / b * 100 }'
	rm -f "$out"
}

# ---- the synthetic folders ----
if [ ! -f "$synth/20000/.done" ]; then
	echo "bench-insight: generating 20,000 .cmd files into $synth/20000"
	rm -rf "$synth/20000"
	python3 "$here/insight-gen.py" "$tree61" "$synth/20000" 20000
	touch "$synth/20000/.done"
fi
for n in 5000 10000; do
	[ -f "$synth/$n/.done" ] && continue
	rm -rf "$synth/$n"
	mkdir -p "$synth/$n"
	# the top folders' links, then the first n/500 groups as hard links
	find "$synth/20000" -mindepth 1 -maxdepth 1 -type l -exec cp -P -t "$synth/$n" {} +
	for ((g = 0; g < n / 500; g++)); do
		cp -al "$synth/20000/$(printf 'g%02d' "$g")" "$synth/$n/"
	done
	touch "$synth/$n/.done"
done

echo
echo "kdep stats / impact, median of $rounds runs ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| run | .cmd MB | wall s | CPU s | MB/s wall | MB/s CPU | peak RSS MB | RSS / text |"
echo "|---|---|---|---|---|---|---|---|"
for v in 61 612; do
	eval "t=\$tree$v"
	name="Linux ${v:0:1}.${v:1}"
	run "$name stats" "$t" stats
	run "$name impact include/linux/fs.h" "$t" impact --count include/linux/fs.h
done
for n in 5000 10000 20000; do
	run "synthetic $n stats" "$synth/$n" stats
	run "synthetic $n impact include/linux/fs.h" "$synth/$n" impact --count include/linux/fs.h
done
