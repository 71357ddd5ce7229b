#!/usr/bin/env bash
# depfile_readers.sh - the ninja and make columns of
# tests/data/depfile-readers.txt are what the real readers do: each row's
# depfile is read by ninja (a `deps = gcc` edge; `ninja -t deps` lists the
# inputs it kept) and by GNU make (a rule for foo.o printing $+).  The
# ours column is checked against the ninja column by tests/depfile_test.c.
# ninja-build is installed when missing (Debian, root), else skipped.
set -eu

top=${KDEP_TOP:-$(pwd)}
table=$top/tests/data/depfile-readers.txt
say() { printf '  depfile_readers: %s\n' "$*"; }

"$top/tests/need-tools" ninja:ninja-build make:make ||
	{ say "skip: ninja or make missing"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdep-readers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# What ninja and make read from dep.d, each as [x][y]...
ninjareads() {
	rm -rf n && mkdir n && cp dep.d n/ &&
	printf '%s\n' 'rule cc' '  command = cp dep.d foo.o.d && touch foo.o' \
		'  depfile = foo.o.d' '  deps = gcc' 'build foo.o: cc' \
		> n/build.ninja &&
	ninja -C n --quiet >/dev/null &&
	ninja -C n -t deps foo.o | sed -n '2,$p' | sed -n 's/^    \(.*\)$/[\1]/p' |
		tr -d '\n'
}
makereads() {
	rm -rf m && mkdir m && cp dep.d m/ &&
	printf '%s\n' 'include dep.d' \
		"foo.o: ; @printf %s \$(foreach p,\$+,'[\$p]')" '%:: ; @:' \
		> m/Makefile &&
	(make -C m -r -R -s foo.o 2>/dev/null || echo error)
}

rows=0 bad=0
while IFS=$'\t' read -r text ours ninja make what; do
	case $text in '#'* | '') continue ;; esac
	rows=$((rows + 1))
	printf '%b' "$text" > dep.d
	want=$(printf '%b' "$ninja")
	if [ "$ninja" = = ]; then
		# ours without targets and repeats: what ninja must list
		want=$(printf '%b' "$ours" | perl -0777 -ne \
			'my %s; print map { $s{$_}++ ? () : "[$_]" } /[FP]\((.*?)\)(?=[TFP]\(|$)/sg')
	fi
	got=$(ninjareads)
	[ "$got" = "$want" ] ||
		{ say "FAIL ninja, $what: read '$got', table '$want'"; bad=1; }
	want=$(printf '%b' "$make")
	got=$(makereads)
	[ "$got" = "$want" ] ||
		{ say "FAIL make, $what: read '$got', table '$want'"; bad=1; }
done < "$table"
[ "$rows" -gt 20 ] || { say "FAIL: only $rows rows"; exit 1; }
[ $bad = 0 ] || exit 1
say "$rows depfiles: ninja $(ninja --version) and $(make --version | head -1) read what the table says"
