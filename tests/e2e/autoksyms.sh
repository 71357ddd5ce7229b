#!/bin/bash
# tools/autoksyms end to end on synthetic build roots: messages, exec and
# no-exec, the pass bound, a crash between stamps and header, hostile
# input, 4.x layouts and --ksymdeps.  (tests/e2e/autoksyms_vs_upstream.sh
# compares the same tool against the kernel's own scripts.)
set -u
top=${KDEP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=$top/tools/autoksyms
tmp=$(mktemp -d "${TMPDIR:-/tmp}/autoksyms-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0 tests=0

fail() {
	echo "FAIL: $name: $*"
	fails=$((fails + 1))
}

# test NAME: start a test in a fresh root with one module.
test_() {
	name=$1
	tests=$((tests + 1))
	rm -rf "$tmp/r" && mkdir -p "$tmp/r/include/config" \
		"$tmp/r/include/generated" && cd "$tmp/r" || exit 1
	printf 'm.ko\n' > modules.order
	printf 'printk\n' > m.usyms
	: > include/config/auto.conf
	printf '/*\n * Automatically generated file; DO NOT EDIT.\n */\n\n' \
		> include/generated/autoksyms.h
}

# run ARGS...: the tool with a clean kbuild-like environment; sets rc and
# leaves stdout/stderr in $tmp/out, $tmp/err.
run() {
	env -u quiet -u KBUILD_VERBOSE -u KDEP_AUTOKSYMS_PASS \
		abs_srctree="$tmp/r" "$tool" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

expect_rc() { [ "$rc" = "$1" ] || fail "exit $rc, want $1 (stderr: $(cat "$tmp/err"))"; }
expect_out() { [ "$(cat "$tmp/out")" = "$1" ] || fail "stdout: '$(cat "$tmp/out")', want '$1'"; }
expect_err() { [ "$(cat "$tmp/err")" = "$1" ] || fail "stderr: '$(cat "$tmp/err")', want '$1'"; }
expect_file() { [ "$(cat "$1" 2> /dev/null)" = "$2" ] || fail "$1: '$(cat "$1" 2> /dev/null)', want '$2'"; }

# A rebuild command that records its arguments and pass number.
cat > "$tmp/rec" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done >> "$REC_LOG"
printf ' pass=%s\n' "${KDEP_AUTOKSYMS_PASS-unset}" >> "$REC_LOG"
EOF
chmod +x "$tmp/rec"
export REC_LOG=$tmp/rec.log
hdr='/*
 * Automatically generated file; DO NOT EDIT.
 */
'

# ---------------------------------------------------------------------------
test_ "a change prints the three lines and runs the split command"
rm -f "$REC_LOG"
run "$tmp/rec  one   two"
expect_rc 0
expect_out "  CHK     include/generated/autoksyms.h
  KSYMS   symbols: before=0, after=1, changed=1
  UPD     include/generated/autoksyms.h"
expect_file "$REC_LOG" "[one][two] pass=1"
expect_file include/generated/autoksyms.h "$hdr
#define __KSYM_printk 1"
expect_file include/ksym/printk "__KSYM_printk 1"

test_ "several arguments are passed as given"
rm -f "$REC_LOG"
run "$tmp/rec" "one  two" three
expect_file "$REC_LOG" "[one  two][three] pass=1"

test_ "--also adds its words to the split command, in order"
rm -f "$REC_LOG"
run --also=vmlinux_o --also x "$tmp/rec  one"
expect_rc 0
expect_file "$REC_LOG" "[one][vmlinux_o][x] pass=1"

test_ "--also adds its words after several arguments"
rm -f "$REC_LOG"
run --also=vmlinux_o "$tmp/rec" "one  two"
expect_file "$REC_LOG" "[one  two][vmlinux_o] pass=1"

test_ "--also runs nothing when the list did not change"
run "$tmp/rec"
rm -f "$REC_LOG"
run --also=vmlinux_o "$tmp/rec"
expect_rc 0
[ ! -e "$REC_LOG" ] || fail "the command ran: $(cat "$REC_LOG")"

test_ "--also alone is no command"
run --also=vmlinux_o --
expect_rc 0
expect_file include/ksym/printk "__KSYM_printk 1"

test_ "no change: only CHK and no command"
run "$tmp/rec"
rm -f "$REC_LOG"
run "$tmp/rec"
expect_rc 0
expect_out "  CHK     include/generated/autoksyms.h"
[ -e "$REC_LOG" ] && fail "the command ran"

test_ "quiet=silent_ prints nothing"
rm -f "$REC_LOG"
quiet=silent_ "$tool" "$tmp/rec" > "$tmp/out" 2> "$tmp/err"
rc=$?
expect_rc 0
expect_out ""
expect_file "$REC_LOG" " pass=1"

test_ "KBUILD_VERBOSE=1 traces on stderr only"
KBUILD_VERBOSE=1 "$tool" true > "$tmp/out" 2> "$tmp/err"
rc=$?
expect_rc 0
expect_out "  CHK     include/generated/autoksyms.h
  KSYMS   symbols: before=0, after=1, changed=1
  UPD     include/generated/autoksyms.h"
grep -qx '+ stamp include/ksym/printk (needed)' "$tmp/err" || fail "no stamp trace: $(cat "$tmp/err")"
grep -qx '+ exec true' "$tmp/err" || fail "no exec trace"

test_ "stamps are newer than the header, which is renamed into place"
printf 'printk\nkfree\n' > m.usyms
run true
for s in include/ksym/printk include/ksym/kfree; do
	[ "$s" -nt include/generated/autoksyms.h ] || fail "$s not newer than the header"
done
[ -e include/generated/autoksyms.h.tmpnew ] && fail "tmpnew left behind"

test_ "only the header and stamps are written"
printf 'kfree\n' > m.usyms
(find . -path ./include/ksym -prune -o -type f -print0 |
	xargs -0 sha1sum | grep -v autoksyms.h) > "$tmp/before"
run true
(find . -path ./include/ksym -prune -o -type f -print0 |
	xargs -0 sha1sum | grep -v autoksyms.h) > "$tmp/after"
diff "$tmp/before" "$tmp/after" || fail "files outside the stamps changed"
[ "$(find . -type f | LC_ALL=C sort | tr '\n' ' ')" = "./include/config/auto.conf ./include/generated/autoksyms.h ./include/ksym/kfree ./m.usyms ./modules.order " ] ||
	fail "files: $(find . -type f | tr '\n' ' ')"

test_ "a dropped symbol's stamp says 0"
run true
printf 'kfree\n' > m.usyms
run true
expect_out "  CHK     include/generated/autoksyms.h
  KSYMS   symbols: before=1, after=1, changed=2
  UPD     include/generated/autoksyms.h"
expect_file include/ksym/printk "__KSYM_printk 0"
expect_file include/ksym/kfree "__KSYM_kfree 1"

# ---- the pass bound ---------------------------------------------------------
# A rebuild that adds a new symbol every pass never settles.
cat > "$tmp/grow" <<EOF
#!/bin/sh
echo "sym\$KDEP_AUTOKSYMS_PASS" >> m.usyms
exec "$tool" --max-passes=\${MAXP:-8} "\$0"
EOF
chmod +x "$tmp/grow"

test_ "a list that never settles stops after --max-passes"
MAXP=3 "$tool" --max-passes=3 "$tmp/grow" > "$tmp/out" 2> "$tmp/err"
rc=$?
expect_rc 1
expect_err "autoksyms: symbol list did not converge after 3 passes
autoksyms: still changing: +sym3"
[ "$(grep -c KSYMS "$tmp/out")" = 3 ] || fail "$(grep -c KSYMS "$tmp/out") changing passes, want 3"
grep -q sym3 include/generated/autoksyms.h && fail "the failing pass wrote the header"

test_ "the default bound is 8"
"$tool" "$tmp/grow" > "$tmp/out" 2> "$tmp/err"
rc=$?
expect_rc 1
[ "$(grep -c KSYMS "$tmp/out")" = 8 ] || fail "$(grep -c KSYMS "$tmp/out") passes"
head -n 1 "$tmp/err" | grep -qx 'autoksyms: symbol list did not converge after 8 passes' || fail "$(cat "$tmp/err")"

# A rebuild that needs two more passes, then settles.
cat > "$tmp/settle" <<EOF
#!/bin/sh
[ "\$KDEP_AUTOKSYMS_PASS" -lt 3 ] && echo "sym\$KDEP_AUTOKSYMS_PASS" >> m.usyms
echo "rebuild pass \$KDEP_AUTOKSYMS_PASS"
exec "$tool" "\$0"
EOF
chmod +x "$tmp/settle"

test_ "a list that settles ends the recursion with exit 0"
run "$tmp/settle"
expect_rc 0
[ "$(grep rebuild "$tmp/out" | tr '\n' ' ')" = "rebuild pass 1 rebuild pass 2 rebuild pass 3 " ] ||
	fail "$(cat "$tmp/out")"
[ "$(tail -n 1 "$tmp/out")" = "  CHK     include/generated/autoksyms.h" ] || fail "last pass changed"

# ---- a crash between the stamps and the header --------------------------------
if cc -shared -fPIC -o "$tmp/crash.so" -x c - -ldl 2> /dev/null <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <string.h>
/* Die like a killed build right before the header is renamed into place. */
int rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) =
		(int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	size_t n = strlen(to);

	if (n >= 11 && strcmp(to + n - 11, "autoksyms.h") == 0)
		raise(SIGKILL);
	return real(from, to);
}
EOF
then
	test_ "a crash before the header rename is redone by the next run"
	printf 'printk\nkfree\n' > m.usyms
	run true
	printf 'kfree\nvmalloc\n' > m.usyms
	# (a subshell, so that bash's "Killed" notice goes to /dev/null)
	(ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$tmp/crash.so" \
		"$tool" "$tmp/rec" > "$tmp/out" 2> "$tmp/err"
		r=$? && exit "$r") 2> /dev/null
	rc=$?
	expect_rc 137
	expect_file include/ksym/vmalloc "__KSYM_vmalloc 1"
	expect_file include/ksym/printk "__KSYM_printk 0"
	grep -q vmalloc include/generated/autoksyms.h && fail "header replaced"
	rm -f "$REC_LOG"
	run "$tmp/rec"
	expect_rc 0
	expect_out "  CHK     include/generated/autoksyms.h
  KSYMS   symbols: before=2, after=2, changed=2
  UPD     include/generated/autoksyms.h"
	expect_file include/generated/autoksyms.h "$hdr
#define __KSYM_kfree 1
#define __KSYM_vmalloc 1"
	expect_file include/ksym/vmalloc "__KSYM_vmalloc 1 redo"
	expect_file include/ksym/printk "__KSYM_printk 0 redo"
	[ include/ksym/vmalloc -nt include/generated/autoksyms.h ] || fail "stamp not newer"
	expect_file "$REC_LOG" " pass=1"
	[ -e include/generated/autoksyms.h.tmpnew ] && fail "tmpnew left behind"
else
	echo "autoksyms e2e: no cc: crash test skipped"
fi

# ---- hostile input ---------------------------------------------------------------
test_ "a path in a .usyms file is refused and nothing is written"
printf 'ok\n../../x\n' > m.usyms
find . | LC_ALL=C sort > "$tmp/before"
run true
expect_rc 1
expect_err "autoksyms: m.usyms:2: bad symbol name: byte 0x2e at offset 0"
find . | LC_ALL=C sort > "$tmp/after"
diff "$tmp/before" "$tmp/after" > /dev/null || fail "files changed"

test_ "make syntax in a whitelist is refused with file and line"
printf 'CONFIG_UNUSED_KSYMS_WHITELIST=wl\n' > include/config/auto.conf
printf 'good\n$(shell touch pwned)\n' > wl
run true
expect_rc 1
expect_err "autoksyms: $tmp/r/wl:2: bad symbol name: byte 0x24 at offset 0"

test_ "a missing whitelist is the scripts' message"
printf 'CONFIG_UNUSED_KSYMS_WHITELIST="nope"\n' > include/config/auto.conf
run true
expect_rc 1
expect_out "  CHK     include/generated/autoksyms.h"
expect_err "ERROR: '$tmp/r/nope' whitelist file not found"

test_ "a missing .usyms file is an error, exit 2"
printf 'gone.ko\n' > modules.order
run true
expect_rc 2
expect_err "autoksyms: error opening file: gone.usyms: No such file or directory"

test_ "a malformed old header is named"
printf '#define __KSYM_a b 1\n' > include/generated/autoksyms.h
run true
expect_rc 1
expect_err "autoksyms: include/generated/autoksyms.h:1: not a '#define __KSYM_<symbol> 1' line"

# ---- 4.x trees -------------------------------------------------------------------
test_ "Linux 4.14: .mod files and split stamps under include/config/ksym"
rm -f modules.order m.usyms
mkdir .tmp_versions
printf 'a.ko\na.o\n__clear_user  __kmalloc\n' > .tmp_versions/a.mod
run --modverdir .tmp_versions --layout=split --ksym-dir=include/config/ksym true
expect_rc 0
expect_file include/config/ksym/clear/user.h "__KSYM___clear_user 1"
expect_file include/config/ksym/kmalloc.h "__KSYM___kmalloc 1"
[ -e include/ksym ] && fail "include/ksym created"

# ---- --gen and --ksymdeps ------------------------------------------------------------
test_ "--gen writes only the header, ignoring modules.order"
printf 'CONFIG_MODVERSIONS=y\n' > include/config/auto.conf
run --gen include/generated/new.h
expect_rc 0
expect_out ""
expect_file include/generated/new.h "$hdr
#define __KSYM_module_layout 1"
[ -e include/ksym ] && fail "stamps written"

test_ "--gen --modorder also reads the modules"
run --gen out/x.h --modorder
expect_file out/x.h "$hdr
#define __KSYM_printk 1"

test_ "--ksymdeps of a text file is an error naming it"
echo hello > t.o
run --ksymdeps t.o
expect_rc 1
expect_err "autoksyms: t.o: not an ELF file"

test_ "--ksymdeps of a missing object is exit 2"
run --ksymdeps nothing.o
expect_rc 2

if printf 'static int __ksym_marker_foo[0] __attribute__((used));\nint x;\n' |
	cc -c -o k.o -x c - 2> /dev/null; then
	test_ "--ksymdeps prints the block"
	printf 'static int __ksym_marker_foo[0] __attribute__((used));\nint x;\n' |
		cc -c -o k.o -x c -
	run --ksymdeps k.o
	expect_rc 0
	expect_out "
ksymdeps_k.o := \\
    \$(wildcard include/ksym/foo) \\

k.o: \$(ksymdeps_k.o)

\$(ksymdeps_k.o):"
fi

# ---- --shell: CONFIG_SHELL='autoksyms --shell' -----------------------------------------
test_ "--shell runs adjust_autoksyms.sh's work with its arguments"
rm -f "$REC_LOG"
run --shell /k/scripts/adjust_autoksyms.sh "$tmp/rec  one"
expect_rc 0
expect_out "  CHK     include/generated/autoksyms.h
  KSYMS   symbols: before=0, after=1, changed=1
  UPD     include/generated/autoksyms.h"
expect_file "$REC_LOG" "[one] pass=1"
expect_file include/ksym/printk "__KSYM_printk 1"

test_ "--shell runs gen_autoksyms.sh's work, with and without --modorder"
run --shell /k/scripts/gen_autoksyms.sh g.h
expect_rc 0
expect_file g.h "$(printf %s "$hdr")"
run --shell /k/scripts/gen_autoksyms.sh --modorder g.h
expect_file g.h "$hdr
#define __KSYM_printk 1"

test_ "--shell runs gen_ksymdeps.sh's work"
printf 'not an object\n' > t.o
run --shell /k/scripts/gen_ksymdeps.sh t.o
[ "$rc" != 0 ] || fail "a text file passed as an object"
grep -q 't.o' "$tmp/err" || fail "stderr does not name t.o: $(cat "$tmp/err")"

test_ "--shell hands any other script to sh with its arguments"
printf 'echo "[$0][$1][$2]"; exit 3\n' > other.sh
run --shell ./other.sh "a b" c
expect_rc 3
expect_out "[./other.sh][a b][c]"

test_ "--shell hands -c to sh"
run --shell -c 'echo "$1"' sh gen_autoksyms.sh
expect_rc 0
expect_out "gen_autoksyms.sh"

# ---- usage ---------------------------------------------------------------------------
test_ "an unknown option is a usage error"
run --frobnicate
expect_rc 1

test_ "a command that cannot be found is exit 127"
run /nonexistent/rebuild
expect_rc 127
grep -q "autoksyms: cannot run '/nonexistent/rebuild'" "$tmp/err" || fail "$(cat "$tmp/err")"

if [ "$fails" -ne 0 ]; then
	echo "autoksyms e2e: $fails of $tests tests failed"
	exit 1
fi
echo "autoksyms e2e: $tests tests passed"
