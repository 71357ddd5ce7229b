#!/bin/bash
# make_plugin.sh: real GNU make loads kdep.so (through make/kdep.mk) and
# decides a small project's rebuilds by content: a.o and b.o -> lib.a ->
# image, CONFIG values from kdep sync-config.  Each scene checks which
# objects were compiled and whether the chain relinked:
#   a. the race: a header and a CONFIG value change, mtimes put back
#      equal to the objects' - exactly their users are rebuilt;
#   b. every file touched - nothing is rebuilt, nothing relinked;
#   d. a CONFIG toggle - only the users of the symbol;
#   e. a real edit of a .c file and of a header - their users, relinked;
# and the bad inputs: a make without 'load', a missing auto.conf, a
# record from elsewhere.
set -euo pipefail
top=${KDEP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ ! -f "$top/kdep.so" ]; then
	echo "make_plugin: kdep.so not built (no gnumake.h?)" >&2
	exit 1
fi
# make SANITIZE=1 builds kdep.so with ASan: make itself is not, so the
# runtime must be loaded first (and make's own allocations not judged)
if nm -D "$top/kdep.so" 2>/dev/null | grep ' U __asan_init' > /dev/null; then
	LD_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)
	export LD_PRELOAD ASAN_OPTIONS=detect_leaks=0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/kdep-mk.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0

mkdir -p include/generated
cat > .config <<'EOF'
CONFIG_FOO=y
CONFIG_BAR=3
# CONFIG_BAZ is not set
EOF
cat > a.h <<'EOF'
#ifdef CONFIG_FOO
#define A_FOO 1
#endif
EOF
cat > b.h <<'EOF'
#define B_BASE 10
EOF
cat > a.c <<'EOF'
#include "a.h"
int a(void) { return CONFIG_BAR; }
EOF
cat > b.c <<'EOF'
#include "b.h"
#ifdef CONFIG_BAZ
int baz = 1;
#endif
int b(void) { return B_BASE; }
EOF
cat > c.c <<'EOF'
int c(void) { return 0; }
EOF
cat > Makefile <<EOF
include $top/make/kdep.mk
all: image
%.o: %.c FORCE
	\$(call kdep_cc,gcc -include include/generated/autoconf.h -Iinclude -MD -MF \$(kdep-depfile) -c -o \$@ \$<)
lib.a: a.o b.o c.o FORCE
	\$(call kdep_run,ar rcs \$@ \$(filter %.o,\$^))
image: lib.a FORCE
	\$(call kdep_run,cp \$< \$@)
EOF

# What plain make would compile: the same .cmd files, mtimes only.
cat > plain.mk <<'EOF'
-include $(wildcard .*.cmd)
all: a.o b.o c.o
%.o: %.c
	@echo $@
EOF

sync() {
	"$top/tools/kdep" sync-config --layout=flat --dir=include/config \
		--autoconf=include/generated/autoconf.h .config
}

# The build's log: "CC a.o", "GEN lib.a", ... one a line, sorted.
build() { make -s 2>&1 | sed 's/^ *//' | sort | tr '\n' ' ' | sed 's/ $//'; }

expect() { # what, expected, actual
	if [ "$2" = "$3" ]; then
		echo "   ok: $1"
	else
		echo "   FAILED: $1: expected '$2', got '$3'"
		fail=1
	fi
}

sync
expect "first build compiles and links all" \
	"CC a.o CC b.o CC c.o GEN image GEN lib.a" "$(build)"
expect "a second build does nothing" "" "$(build)"

# a. the race: a header and a CONFIG value change within the objects'
# timestamp tick: their mtimes end up equal to the objects'
echo '#define A_EXTRA 1' >> a.h
sed -i 's/^CONFIG_BAR=3$/CONFIG_BAR=4/' .config
sync
touch -r a.o a.h include/config/BAR include/config/auto.conf \
	include/generated/autoconf.h
expect "plain make (mtimes, same .cmd files) misses the race" "" \
	"$(make -s -n -f plain.mk | tr '\n' ' ' | sed 's/ $//')"
expect "a. the race: a.o (a.h, CONFIG_BAR) rebuilt, chain relinked" \
	"CC a.o GEN image GEN lib.a" "$(build)"

# b. every file touched: nothing
sleep 0.02
touch ./*.c ./*.h .config include/generated/* include/config/*
expect "b. every file touched: nothing rebuilt, nothing relinked" "" \
	"$(build)"
expect "b. a second build after the touch does nothing" "" "$(build)"

# d. a CONFIG toggle: only its user
sed -i 's/^# CONFIG_BAZ is not set$/CONFIG_BAZ=y/' .config
sync
expect "d. CONFIG_BAZ n->y: b.o rebuilt" "CC b.o GEN image GEN lib.a" \
	"$(build)"
sed -i 's/^CONFIG_BAZ=y$/# CONFIG_BAZ is not set/' .config
sync
expect "d. CONFIG_BAZ y->n: b.o rebuilt" "CC b.o GEN image GEN lib.a" \
	"$(build)"

# e. real edits
echo 'int c2(void) { return 2; }' >> c.c
expect "e. an edit of c.c: c.o, relinked" "CC c.o GEN image GEN lib.a" \
	"$(build)"
echo '#define B_MORE 1' >> b.h
expect "e. an edit of b.h: b.o, relinked" "CC b.o GEN image GEN lib.a" \
	"$(build)"

# an explicit prerequisite no record covers counts by make's rule
sleep 0.02
touch c.o
expect "a newer object relinks the chain (no record for lib.a)" \
	"GEN image GEN lib.a" "$(build)"

# a command line change rebuilds, as kbuild
sed -i 's/-c -o/-O1 -c -o/' Makefile
expect "a changed command line rebuilds" \
	"CC a.o CC b.o CC c.o GEN image GEN lib.a" "$(build)"

# a missing auto.conf: its users rebuild, with one warning
mv include/config/auto.conf auto.conf.saved
out=$(make -s 2>&1 | sort | tr '\n' '|')
case $out in
*"kdep: include/config/auto.conf: cannot be read"*) ;;
*) echo "   FAILED: no warning for a missing auto.conf: $out"; fail=1 ;;
esac
expect "a missing auto.conf rebuilds the users of CONFIG symbols" \
	"CC a.o|CC b.o|GEN image|GEN lib.a|" \
	"$(printf '%s' "$out" | tr '|' '\n' | grep -v '^kdep:' | sed 's/^ *//' | tr '\n' '|')"
mv auto.conf.saved include/config/auto.conf
build > /dev/null

# a make without 'load': one clear line, nothing built
out=$(make -s --eval '.FEATURES := target-specific order-only' 2>&1 || true)
case $out in
*"kdep.mk: this make"*"cannot load objects"*) echo "   ok: a make without load stops with one line" ;;
*) echo "   FAILED: make without load: $out"; fail=1 ;;
esac

# fixdep without --record voids the old record: make decides by mtime
echo 'a.o: a.c a.h' > dep.d
"$top/tools/fixdep" --compat=linux-6.3 dep.d a.o x > /dev/null
if [ -e .a.o.kdep ]; then
	echo "   FAILED: fixdep without --record left the old record"
	fail=1
else
	echo "   ok: fixdep without --record removes the old record"
fi
expect "without a record, make's own answer: a.o is not newer" "" \
	"$("$top/tools/kdep" changed a.o)"
sleep 0.02
touch a.h
expect "without a record, make's own answer: a newer a.h counts" "a.h" \
	"$("$top/tools/kdep" changed a.o a.h)"

# --input: a prerequisite the depfile does not list (kbuild's objtool),
# kept by content: relinked with the same bytes it changes nothing
mkdir inp && cd inp
printf 'tool v1\n' > tool
echo 'int t;' > t.c
echo 't.o: t.c' > t.d
touch -d '-10 sec' tool t.c
touch t.d t.o
"$top/tools/fixdep" --compat=linux-6.3 --record --input=tool t.d t.o x > /dev/null
sleep 0.02
touch tool
expect "--input: a tool touched, same bytes, is no change" "" \
	"$("$top/tools/kdep" changed t.o tool)"
expect "--input: make's name for ./tool is the same file" "" \
	"$("$top/tools/kdep" changed t.o ./tool)"
touch -d '-10 sec' tool
touch t.o
"$top/tools/fixdep" --compat=linux-6.3 --record --input=./tool t.d t.o x > /dev/null
sleep 0.02
touch tool
expect "--input=./tool: make's name tool, touched, is no change" "" \
	"$("$top/tools/kdep" changed t.o tool)"
printf 'tool v2\n' > tool
expect "--input: a tool with new bytes is named" "./tool" \
	"$("$top/tools/kdep" changed t.o tool)"

exit $fail
