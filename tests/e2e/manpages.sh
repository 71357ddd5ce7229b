#!/usr/bin/env bash
# manpages.sh - the man pages lint clean and agree with the tools' --help:
#   - groff -ww (every warning) prints nothing for any man/*.[1-9];
#   - fixdep and autoksyms: the options listed under "Options:" in --help
#     are exactly the options tagged under OPTIONS in the man page, every
#     usage line of --help is a SYNOPSIS line, and every KDEP_* variable
#     --help names is in the page;
#   - kdep: every usage line of --help is a SYNOPSIS line, and every
#     option and every command --help names is described in kdep.1 (each
#     command has a subsection of its own);
#   - every page's .TH names the version the tools print;
#   - make install puts every page under share/man/manN.
# groff is installed with apt-get when missing and we are root on Debian.
set -eu

top=${KDEP_TOP:-$(pwd)}
man=$top/man
say() { printf '  manpages: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

if ! command -v groff >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		say "groff is missing: installing groff-base with apt-get"
		(apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				groff-base) >/dev/null 2>&1 ||
			fail "apt-get install groff-base failed"
	else
		fail "needs groff (Debian: apt-get install groff-base)"
	fi
fi

for f in "$man"/*.[1-9]; do
	w=$(groff -ww -z -man "$f" 2>&1) || fail "$f: groff failed: $w"
	[ -z "$w" ] || fail "$f: groff warnings:
$w"
done

# Each page's title line names the version the tools print.
ver=$("$top/tools/kdep" --version | awk '{ print $NF }')
for f in "$man"/*.[1-9]; do
	grep -q "^\.TH .* \"libkdep $ver\" " "$f" ||
		fail "$f: .TH does not name libkdep $ver"
done

# The page as plain text, one paragraph a line, no hyphenation.
render() {
	groff -man -Tascii -P-cbou -rLL=1000n -rHY=0 "$1" 2>/dev/null
}
# The section called $1 of a rendered page on stdin.
section() {
	awk -v s="$1" '/^[A-Z]/ { on = ($0 == s); next } on'
}
# The option names (--name, -x) in the text on stdin, sorted, unique.
options() {
	grep -oE '(^|[][ ,(|])--?[a-z][a-z0-9-]*' | sed 's/^[][ ,(|]//' |
		sort -u
}
# The usage lines of tool $1's --help on stdin, as words: "Usage:" and
# <> dropped, a continued line joined to its first.
usagelines() {
	awk -v t="$1" '
	/^[Uu]sage: / { on = 1; sub(/^[Uu]sage: */, ""); print; next }
	on && $1 == t { print; next }
	on && /^    / { print "+" $0; next }
	{ on = 0 }' | sed 's/[<>]//g; s/^ *//; s/  */ /g' |
		awk '/^\+/ { l = l substr($0, 2); next }
		     l != "" { print l } { l = $0 } END { if (l != "") print l }'
}

for tool in fixdep autoksyms; do
	help=$("$top/tools/$tool" --help)
	page=$(render "$man/$tool.1")
	want=$(printf '%s\n' "$help" | grep -E '^  -' | options)
	have=$(printf '%s\n' "$page" | section OPTIONS |
		grep -E '^       -' | options)
	[ -n "$want" ] || fail "$tool: no options in --help"
	[ "$want" = "$have" ] || fail "$tool: --help and $tool.1 differ in options:
$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$have"))"
	syn=$(printf '%s\n' "$page" | section SYNOPSIS |
		sed 's/^ *//; s/  */ /g')
	while IFS= read -r u; do
		printf '%s\n' "$syn" | grep -qxF -- "$u" ||
			fail "$tool: usage '$u' is not in the SYNOPSIS of $tool.1"
	done < <(printf '%s\n' "$help" | usagelines "$tool")
	for v in $(printf '%s\n' "$help" | grep -oE 'KDEP_[A-Z_]+' | sort -u); do
		printf '%s\n' "$page" | grep -qw -- "$v" ||
			fail "$tool: $v is in --help, not in $tool.1"
	done
	say "$tool.1 agrees with $tool --help ($(printf '%s\n' "$want" | wc -l) options)"
done

help=$("$top/tools/kdep" --help)
page=$(render "$man/kdep.1")
have=$(printf '%s\n' "$page" | options)
for o in $(printf '%s\n' "$help" | options); do
	printf '%s\n' "$have" | grep -qxF -- "$o" ||
		fail "kdep: $o is in --help, not in kdep.1"
done
syn=$(printf '%s\n' "$page" | section SYNOPSIS | sed 's/^ *//; s/  */ /g')
while IFS= read -r u; do
	printf '%s\n' "$syn" | grep -qxF -- "$u" ||
		fail "kdep: usage '$u' is not in the SYNOPSIS of kdep.1"
done < <(printf '%s\n' "$help" | usagelines kdep)
cmds=$(printf '%s\n' "$help" | usagelines kdep | awk '$2 !~ /^-/ { print $2 }')
[ -n "$cmds" ] || fail "kdep: no commands in --help"
for c in $cmds; do
	printf '%s\n' "$page" | section COMMANDS | grep -qE "^   kdep $c( |\$)" ||
		fail "kdep: command '$c' has no subsection in kdep.1"
done
say "kdep.1 describes every command and option of kdep --help"

# make install puts each page where man(1) looks for it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdep-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make -s -C "$top" install DESTDIR="$tmp" PREFIX=/usr >/dev/null ||
	fail "make install failed"
for f in "$man"/*.[1-9]; do
	n=${f##*/}
	cmp -s "$f" "$tmp/usr/share/man/man${n##*.}/$n" ||
		fail "make install did not put $n in share/man/man${n##*.}"
done
say "make install puts $(ls "$man" | wc -l) pages under share/man"
