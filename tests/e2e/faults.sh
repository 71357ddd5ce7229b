#!/bin/bash
# faults.sh - what fixdep and kdep do when the world fails them.
#
#   (a) a full output device: exit 1 (fixdep) or 2 (kdep, its error
#       status) with a message, never 0; -o writes a device in place;
#   (b) a full filesystem under -o and --record: exit 1, the old file
#       kept whole, no temporary file left (a private tmpfs, root only);
#   (c) SIGKILL at random moments of fixdep -o FILE --record, many times:
#       FILE and the record are each the old or the new file, whole, the
#       record is never newer than the .cmd, and the only debris is the
#       PATH.tmp.XXXXXX a kill between create and rename leaves (counted);
#       a scan cache killed mid-write still gives the right answer;
#   (d) an unreadable dependency, or one that is a folder, a FIFO or a
#       dangling symlink: exit 2 naming it, within a timeout, with the old
#       output and record untouched.
# KDEP_FAULT_KILLS sets the number of kills in (c) (default 60; make stress: 1000).
set -u
export LC_ALL=C

top=${KDEP_TOP:?KDEP_TOP must be the repository top}
fixdep=$top/tools/fixdep
kdep=$top/tools/kdep
for t in "$fixdep" "$kdep"; do
	[ -x "$t" ] || { echo "FAIL: $t is not built"; exit 1; }
done
unset KDEP_COMPAT KDEP_CACHE KDEP_RECORD
# shellcheck source-path=SCRIPTDIR source=../stress/lib.sh
. "$top/tests/stress/lib.sh"
kills=${KDEP_FAULT_KILLS:-60}

work=$(mktemp -d "${TMPDIR:-/tmp}/faults.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# copies: a rebuild during the run must not swap the programs under test
mkdir bin && cp "$fixdep" "$kdep" bin/ && fixdep=$work/bin/fixdep kdep=$work/bin/kdep

fails=0
pass() { printf '  PASS  %s\n' "$1"; }
fail() { printf '  FAIL  %s\n' "$1"; fails=$((fails + 1)); }

# expect NAME STATUS STDERR-LINE CMD...: run CMD (under a timeout) and
# compare its exit status and its stderr.
expect() {
	local name=$1 want=$2 msg=$3 rc err
	shift 3
	err=$(timeout 20 "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && [ "$err" = "$msg" ]; then
		pass "$name"
	else
		fail "$name: exit $rc, want $want; stderr '$err', want '$msg'"
	fi
}

# Like expect, standard output to /dev/full.
expectfull() {
	local name=$1 want=$2 msg=$3 rc err
	shift 3
	err=$(timeout 20 "$@" 2>&1 >/dev/full)
	rc=$?
	if [ "$rc" = "$want" ] && [ "$err" = "$msg" ]; then
		pass "$name"
	else
		fail "$name: exit $rc, want $want; stderr '$err', want '$msg'"
	fi
}

kd_mktree 1000 2
# object 0 lists every header: a run that takes a while, a big output
{
	printf 'obj/o0.o: src/o0.c \\\n'
	for ((i = 0; i < 1000; i++)); do printf '  include/h%d.h \\\n' "$i"; done
	printf '\n'
} >deps/o0.d
touch -d @1600000000 deps/o0.d
# ./run0 [OPTION...] CMDLINE: fixdep over object 0 (a program, for timeout)
cat >run0 <<'EOF'
#!/bin/bash
exec "$FIXDEP" --compat=linux-6.3 "${@:1:$#-1}" deps/o0.d obj/o0.o "${!#}"
EOF
chmod +x run0
export FIXDEP=$fixdep

# ---- (a) full devices ----
nospc='No space left on device'
expectfull "fixdep >/dev/full exits 1" 1 \
	"fixdep: not all data was written to the output" ./run0 cc
expectfull "fixdep --help >/dev/full exits 1" 1 \
	"fixdep: not all data was written to the output" "$fixdep" --help
expectfull "kdep hash >/dev/full exits 2" 2 \
	"kdep: cannot write output: $nospc" "$kdep" hash src/o0.c
expectfull "kdep stamp-path >/dev/full exits 2" 2 \
	"kdep: cannot write output: $nospc" "$kdep" stamp-path FOO
expectfull "kdep stale -v >/dev/full exits 2" 2 \
	"kdep: cannot write output: $nospc" "$kdep" stale -v obj/o1.o
printf 'CONFIG_A=y\n' >cfg
expectfull "kdep sync-config -v >/dev/full exits 2" 2 \
	"kdep: cannot write output: $nospc" \
	"$kdep" sync-config -v --dir=sync --autoconf=sync/autoconf.h cfg

# A private copy of /dev/full when we may make one: renaming over it, the
# bug this guards against, must never cost the system its /dev/full.
if mknod full c 1 7 2>/dev/null; then dev=$work/full; else dev=/dev/full; fi
expect "fixdep -o FULLDEVICE exits 1 naming it" 1 \
	"fixdep: cannot write $dev: $nospc" ./run0 -o "$dev" cc
if [ -c "$dev" ]; then pass "-o left the device a device"; else fail "-o replaced $dev"; fi
mkfifo fifo
(cat fifo >fifo.out) &
reader=$!
if ./run0 -o fifo cc && wait "$reader" && cmp -s fifo.out <(./run0 cc) && [ -p fifo ]; then
	pass "-o FIFO writes into the FIFO"
else
	fail "-o FIFO"
	kill "$reader" 2>/dev/null
fi
rm -f fifo fifo.out full

# ---- (b) a full filesystem ----
# Inside a private mount namespace, so the tmpfs vanishes with it.
fullfs() {
	local fs=$1 rc err
	mount -t tmpfs -o size=64k none "$fs" || return 3
	cp obj/o0.o "$fs/o0.o"
	printf 'old\n' >"$fs/out.cmd"
	printf 'old\n' >"$fs/.o0.o.kdep"
	err=$("$fixdep" --compat=linux-6.3 -o "$fs/out.cmd" deps/o0.d \
		"$fs/o0.o" cc 2>&1)
	rc=$?
	case $rc:$err in
	"1:fixdep: cannot write $fs/out.cmd: No space left on device") ;;
	*) echo "-o: exit $rc: $err"; return 1 ;;
	esac
	# a run without --record voids the old record, even when it fails
	[ ! -e "$fs/.o0.o.kdep" ] || { echo "old record kept"; return 1; }
	printf 'old\n' >"$fs/.o0.o.kdep"
	err=$("$fixdep" --compat=linux-6.3 --record deps/o0.d "$fs/o0.o" cc \
		2>&1 >/dev/null)
	rc=$?
	case $rc:$err in
	"1:fixdep: cannot write $fs/.o0.o.kdep: No space left on device") ;;
	*) echo "--record: exit $rc: $err"; return 1 ;;
	esac
	[ "$(cat "$fs/out.cmd" "$fs/.o0.o.kdep")" = "$(printf 'old\nold')" ] ||
		{ echo "old files changed"; return 1; }
	[ "$(ls -A "$fs" | tr '\n' ' ')" = ".o0.o.kdep o0.o out.cmd " ] ||
		{ echo "debris: $(ls -A "$fs")"; return 1; }
}
mkdir fs
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
	unshare -m true 2>/dev/null; then
	export fixdep
	msg=$(unshare -m bash -c "$(declare -f fullfs); fullfs fs" 2>&1)
	case $? in
	0) pass "full filesystem: exit 1, old .cmd and record kept, no debris" ;;
	3) echo "  SKIP  full filesystem: cannot mount a tmpfs" ;;
	*) fail "full filesystem: $msg" ;;
	esac
else
	echo "  SKIP  full filesystem: needs root and unshare -m"
fi

# ---- (c) SIGKILL at random moments ----
./run0 -o old.cmd --record old >/dev/null && cp obj/.o0.o.kdep old.kdep
./run0 -o new.cmd --record new >/dev/null && cp obj/.o0.o.kdep new.kdep
./run0 --cache=cache new | cmp -s - new.cmd || fail "the cache gives new.cmd"
t0=$(date +%s%N)
for i in 1 2 3 4 5; do ./run0 -o x.cmd --cache=cache --record new; done
ms=$((($(date +%s%N) - t0) / 5000000 + 2))
((ms < 999)) || ms=999
rm -f x.cmd
cp old.cmd out.cmd
ls -A >listing.want
declare -A seen=()
torn=0 debris=0
for ((k = 0; k < kills; k++)); do
	cp old.cmd out.cmd
	cp old.kdep obj/.o0.o.kdep
	# every third run also writes the shared scan cache
	if ((k % 3 == 0)); then c=--cache=cache; else c=--record; fi
	./run0 -o out.cmd --record $c new &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % ms)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	o=torn r=torn
	cmp -s out.cmd old.cmd && o=old
	cmp -s out.cmd new.cmd && o=new
	cmp -s obj/.o0.o.kdep old.kdep && r=old
	cmp -s obj/.o0.o.kdep new.kdep && r=new
	seen[$o/$r]=$((${seen[$o/$r]:-0} + 1))
	if [ $o = torn ] || [ $r = torn ] || [ $o/$r = old/new ]; then
		torn=$((torn + 1))
	fi
	for f in out.cmd.tmp.* obj/.o0.o.kdep.tmp.* cache/scan.idx.new.*; do
		[ -e "$f" ] && debris=$((debris + 1)) && rm -f "$f"
	done
	if ! ls -A | cmp -s - listing.want; then
		fail "kill $k left $(ls -A | comm -13 listing.want - | tr '\n' ' ')"
		torn=-1
		break
	fi
done
tally=$(for s in "${!seen[@]}"; do printf '%s:%s ' "$s" "${seen[$s]}"; done)
if ((torn == 0)); then
	pass "$kills kills within ${ms} ms: .cmd/record old or new, whole ($tally; $debris temporary files left by kills)"
elif ((torn > 0)); then
	fail "$torn of $kills kills left a torn .cmd or record ($tally)"
fi
if ./run0 --cache=cache new | cmp -s - new.cmd; then
	pass "the scan cache answers right after the kills"
else
	fail "the scan cache answers wrong after the kills"
fi

# ---- (d) dependencies that cannot be read ----
cp new.cmd out.cmd
cp new.kdep obj/.o0.o.kdep
unchanged() {
	if cmp -s out.cmd new.cmd && cmp -s obj/.o0.o.kdep new.kdep; then
		pass "$1: old .cmd and record untouched"
	else
		fail "$1: old .cmd or record changed"
	fi
}
bad() { # name dependency message
	printf 'obj/o0.o: src/o0.c include/h1.h %s\n' "$2" >deps/bad.d
	expect "$1: exit 2 naming it" 2 "fixdep: $3" "$fixdep" --cache=cache \
		--record -o out.cmd deps/bad.d obj/o0.o new
	unchanged "$1"
}
mkdir adir
bad "a dependency that is a folder" adir "error reading file: adir: Is a directory"
mkfifo afifo
bad "a dependency that is a FIFO" afifo "error reading file: afifo: not a regular file"
ln -s nowhere.h alink
bad "a dependency that is a dangling symlink" alink \
	"error opening file: alink: No such file or directory"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# root reads anything: run as nobody, who may read all but one file
	chmod -R a+rX . && chmod a+rx "$work"
	chmod 000 include/h7.h
	printf 'obj/o0.o: src/o0.c include/h1.h include/h7.h\n' >deps/bad.d
	expect "an unreadable dependency: exit 2 naming it" 2 \
		"fixdep: error opening file: include/h7.h: Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$fixdep" --record -o out.cmd deps/bad.d obj/o0.o new
	unchanged "an unreadable dependency"
	chmod 644 include/h7.h
elif [ "$(id -u)" != 0 ]; then
	chmod 000 include/h7.h
	bad "an unreadable dependency" include/h7.h \
		"error opening file: include/h7.h: Permission denied"
	chmod 644 include/h7.h
else
	echo "  SKIP  unreadable dependency: root without setpriv"
fi

if ((fails)); then
	echo "faults: $fails checks failed"
	exit 1
fi
echo "faults: all checks passed"
