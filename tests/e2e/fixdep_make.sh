#!/bin/bash
# fixdep_make.sh - our fixdep's .cmd files drive make the way kbuild's do.
#
# A tiny kbuild-style tree: objects compiled with gcc -MD, the depfile
# turned into a .cmd by tools/fixdep, and a Makefile that -includes the
# .cmd of every object that exists (Makefile.build does the same).  Each
# step sets every input to an old time and every output to a newer one,
# makes one file newer still, runs make, and compares what was rebuilt
# with what should be:
#   (a) a changed header rebuilds exactly the objects that include it;
#   (b) a newer config stamp include/config/FOO rebuilds exactly the
#       objects whose sources or headers use CONFIG_FOO (or CONFIG_FOO_MODULE);
#   (c) nothing else rebuilds: not autoconf.h (fixdep drops it), not an
#       unused stamp, not a second run.
# Times are set explicitly (touch -d, minutes apart, all in the past), so
# the test never sleeps and does not depend on the filesystem's timestamp
# granularity.  -nostdinc, as in kbuild, keeps system headers (with their
# own mtimes) out of the dependencies.
set -u

top=${KDEP_TOP:?KDEP_TOP must be the repository top}
fixdep=$top/tools/fixdep
[ -x "$fixdep" ] || { echo "FAIL: $fixdep is not built"; exit 1; }
unset KDEP_COMPAT KDEP_CACHE KDEP_RECORD MAKEFLAGS MFLAGS

work=$(mktemp -d "${TMPDIR:-/tmp}/fixdep_make.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

fails=0
pass() { printf '  PASS  %s\n' "$1"; }
fail() { printf '  FAIL  %s\n' "$1"; fails=$((fails + 1)); }

# ---- the tree ----
mkdir -p include/generated include/config
cat >include/generated/autoconf.h <<'EOF'
#define CONFIG_FOO 1
#define CONFIG_BAR 1
#define CONFIG_BAZ_MODULE 1
EOF
cat >include/a.h <<'EOF'
#ifdef CONFIG_FOO
static inline int a(void) { return 1; }
#else
static inline int a(void) { return 0; }
#endif
EOF
cat >include/b.h <<'EOF'
#define B 2
EOF
cat >main.c <<'EOF'
#include "a.h"
#include "b.h"
int main(void) { return a() + B; }
EOF
cat >foo.c <<'EOF'
#include "a.h"
int foo(void) { return a(); }
EOF
cat >bar.c <<'EOF'
#include "b.h"
#ifdef CONFIG_BAR
int bar(void) { return B; }
#endif
EOF
cat >baz.c <<'EOF'
#if defined(CONFIG_BAZ_MODULE)
int baz(void) { return 3; }
#endif
EOF
cat >plain.c <<'EOF'
int plain(void) { return 0; }
EOF
for s in FOO BAR BAZ UNUSED; do : >include/config/$s; done

cat >Makefile <<EOF
# kbuild in miniature: \$(deps_x.o) comes from .x.o.cmd, written by fixdep
objs := main.o foo.o bar.o baz.o plain.o
FIXDEP := $fixdep
CC := gcc
c_flags := -nostdinc -Iinclude -include include/generated/autoconf.h

all: \$(objs)

%.o: %.c
	@echo \$@ >>rebuilt.log
	\$(CC) \$(c_flags) -MD -MF .\$@.d -c -o \$@ \$<
	\$(FIXDEP) .\$@.d \$@ '\$(CC) \$(c_flags) -c -o \$@ \$<' >.\$@.cmd
	@rm -f .\$@.d

-include \$(foreach o,\$(objs),\$(if \$(wildcard \$(o)),.\$(o).cmd))

.DELETE_ON_ERROR:
EOF

inputs="include/generated/autoconf.h include/a.h include/b.h main.c foo.c
	bar.c baz.c plain.c include/config/FOO include/config/BAR
	include/config/BAZ include/config/UNUSED Makefile"
outputs="main.o foo.o bar.o baz.o plain.o .main.o.cmd .foo.o.cmd .bar.o.cmd
	.baz.o.cmd .plain.o.cmd"

# all in the past, so that what make rebuilds now is newer than any
now=$(date +%s)
old=@$((now - 300))
built=@$((now - 200))
newer=@$((now - 100))

# settle: inputs old, outputs newer than them
settle() {
	# shellcheck disable=SC2086
	touch -c -d "$old" $inputs && touch -c -d "$built" $outputs
}

# step NAME FILE EXPECTED...: make FILE newest, then make; compare.
step() {
	local name=$1 file=$2 want got
	shift 2
	settle || { fail "$name: cannot set times"; return; }
	[ -z "$file" ] || touch -d "$newer" "$file"
	rm -f rebuilt.log
	if ! make -s >make.log 2>&1; then
		fail "$name: make failed"
		sed 's/^/        /' make.log
		return
	fi
	want=$(printf '%s\n' "$@" | sort | xargs)
	got=$( (cat rebuilt.log 2>/dev/null) | sort | xargs)
	if [ "$want" = "$got" ]; then
		pass "$name: rebuilt [${got}]"
	else
		fail "$name: rebuilt [${got}], want [${want}]"
	fi
}

# ---- first build ----
rm -f rebuilt.log
if ! make -s >make.log 2>&1; then
	fail "first build"
	sed 's/^/        /' make.log
	exit 1
fi
got=$(sort rebuilt.log | xargs)
if [ "$got" = "bar.o baz.o foo.o main.o plain.o" ]; then
	pass "first build: rebuilt [$got]"
else
	fail "first build: rebuilt [$got]"
fi

# the .cmd files say what we expect them to say
if grep -q '^  include/a.h \\$' .main.o.cmd &&
	grep -q '^    \$(wildcard include/config/FOO) \\$' .main.o.cmd &&
	grep -q '^    \$(wildcard include/config/BAZ) \\$' .baz.o.cmd &&
	! grep -q '^ .*autoconf.h' .main.o.cmd .foo.o.cmd .bar.o.cmd \
		.baz.o.cmd .plain.o.cmd; then
	pass ".cmd files list headers and stamps, not autoconf.h"
else
	fail ".cmd files list headers and stamps, not autoconf.h"
	sed 's/^/        /' .main.o.cmd
fi

# ---- (c) nothing to do ----
step "(c) second run" ""

# ---- (a) headers ----
step "(a) include/a.h changed" include/a.h main.o foo.o
step "(a) include/b.h changed" include/b.h main.o bar.o
step "(a) plain.c changed" plain.c plain.o

# ---- (b) config stamps ----
step "(b) include/config/FOO newer" include/config/FOO main.o foo.o
step "(b) include/config/BAR newer" include/config/BAR bar.o
step "(b) include/config/BAZ newer (CONFIG_BAZ_MODULE)" include/config/BAZ baz.o

# ---- (c) what must not rebuild ----
step "(c) autoconf.h alone changed" include/generated/autoconf.h
step "(c) unused stamp newer" include/config/UNUSED
step "(c) after all that, a run with nothing newer" ""

# a stamp that appears after the .cmd was written: $(wildcard) was empty,
# so make only sees it once a rebuild rewrites the .cmd - exactly kbuild's
# behaviour; here we only check that its absence broke nothing
rm -f include/config/BAR
step "(c) a missing stamp is no error" ""
: >include/config/BAR

if [ "$fails" -ne 0 ]; then
	echo "fixdep_make: $fails check(s) failed"
	exit 1
fi
echo "fixdep_make: all checks passed"
