#!/usr/bin/env bash
# kconfig_real.sh - Kconfig.sample and `kdep sync-config` against the real
# kconfig tools: Kconfiglib (python3-kconfiglib) and kconfig-conf
# (kconfig-frontends).  Each part is skipped, with a message, when its tool
# is missing.  Checks:
#   - both tools accept Kconfig.sample without warnings;
#   - tests/demo/sample.config is what kconfig-conf --olddefconfig writes,
#     and Kconfiglib's olddefconfig writes the same assignments;
#   - kdep sync-config reads either tool's .config to the same auto.conf,
#     and writes the same autoconf.h defines, auto.conf lines and split
#     stamp files as kconfig-conf --silentoldconfig and Kconfiglib's
#     sync_deps();
#   - after a config change, the stamps kdep rewrites are exactly the ones
#     the kconfig tools touch.
set -eu

top=${KDEP_TOP:-$(pwd)}
kdep=${KDEP:-$top/tools/kdep}
sample=$top/Kconfig.sample
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdep-kconfig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

say() { printf '  kconfig_real: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import kconfiglib' 2>/dev/null; then
		py=$p
		break
	fi
done
conf=$(command -v kconfig-conf || true)
[ -n "$py" ] || say "skip Kconfiglib parts: no python3 with kconfiglib"
[ -n "$conf" ] || say "skip kconfig-conf parts: kconfig-conf not installed"
if [ -z "$py" ] && [ -z "$conf" ]; then
	exit 0
fi

# The assignment lines of a .config, in order.
assigns() { grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$1" || true; }
# The CONFIG_ lines of an auto.conf or #define lines of autoconf.h, sorted.
body() { grep -E '^(CONFIG_|#define )' "$1" | LC_ALL=C sort || true; }
# Every file under a stamp folder except auto.conf and kconfig's extras.
stamps() {
	(cd "$1" && find . -type f ! -name 'auto.conf*' ! -name tristate.conf |
		LC_ALL=C sort)
}
# Stamps whose mtime is later than 2001-09-09, after aging them all.
age() { find "$1" -type f -exec touch -d @1000000000 {} +; }
touched() {
	(cd "$1" && find . -type f ! -name 'auto.conf*' ! -name tristate.conf \
		-newermt @1000000001 | LC_ALL=C sort)
}

# ---- the tools accept Kconfig.sample ---------------------------------------

# Kconfiglib: olddefconfig, then sync_deps() into DIR and autoconf.h.
klib() { # CONFIG DIR HEADER
	KCONFIG_CONFIG=$1 "$py" - "$sample" "$1" "$2" "$3" <<-'EOF'
		import sys, kconfiglib
		k = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
		if k.warnings:
		    sys.exit("warnings: %s" % k.warnings)
		k.load_config(sys.argv[2])
		k.write_config(sys.argv[2])
		k.sync_deps(sys.argv[3])
		k.write_autoconf(sys.argv[4])
	EOF
}

# kconfig-conf: --olddefconfig, then --silentoldconfig in a tree of its own.
kconf() { # TREE
	(cd "$1" && mkdir -p include/config include/generated &&
		KCONFIG_CONFIG=.config "$conf" --olddefconfig "$sample" \
			>/dev/null 2>err && ! [ -s err ] &&
		"$conf" --silentoldconfig "$sample" </dev/null >/dev/null 2>err &&
		! [ -s err ]) || fail "kconfig-conf: $(cat "$1/err" 2>/dev/null)"
}

if [ -n "$py" ]; then
	mkdir -p "$tmp/lib"
	: >"$tmp/lib/.config"
	klib "$tmp/lib/.config" "$tmp/lib/deps" "$tmp/lib/autoconf.h" ||
		fail "Kconfiglib rejects Kconfig.sample"
	# the olddefconfig script writes the same .config
	mkdir -p "$tmp/lib2"
	(cd "$tmp/lib2" && "$py" -m olddefconfig "$sample" >/dev/null) ||
		fail "Kconfiglib's olddefconfig rejects Kconfig.sample"
	cmp -s "$tmp/lib/.config" "$tmp/lib2/.config" ||
		fail "olddefconfig and Kconfig.write_config() differ"
	say "Kconfiglib accepts Kconfig.sample"
fi
if [ -n "$conf" ]; then
	mkdir -p "$tmp/conf"
	kconf "$tmp/conf"
	cmp -s "$tmp/conf/.config" "$top/tests/demo/sample.config" ||
		fail "tests/demo/sample.config differs from kconfig-conf's" \
			"defaults: $(diff "$tmp/conf/.config" \
			"$top/tests/demo/sample.config" | head -5)"
	say "kconfig-conf accepts Kconfig.sample; sample.config is its output"
fi
if [ -n "$py" ] && [ -n "$conf" ]; then
	[ "$(assigns "$tmp/lib/.config")" = "$(assigns "$tmp/conf/.config")" ] ||
		fail "Kconfiglib and kconfig-conf write different assignments"
elif [ -n "$py" ]; then
	[ "$(assigns "$tmp/lib/.config")" = \
		"$(assigns "$top/tests/demo/sample.config")" ] ||
		fail "Kconfiglib's defaults differ from tests/demo/sample.config"
fi

# ---- kdep sync-config against them -----------------------------------------

if ! "$kdep" sync-config --help >/dev/null 2>"$tmp/err" &&
	grep -q 'unknown command' "$tmp/err"; then
	say "skip sync checks: $kdep has no sync-config yet"
	exit 0
fi

ksync() { # CONFIG DIR HEADER
	"$kdep" sync-config --layout=split --dir="$2" --autoconf="$3" "$1" ||
		fail "kdep sync-config $1 failed"
}

# Compare kdep's outputs in $tmp/kdep-$1 with a tool's.
same() { # WHO TOOLDIR TOOLAUTOCONF TOOLHEADER
	local k=$tmp/kdep-$1
	[ "$(stamps "$k")" = "$(stamps "$2")" ] ||
		fail "$1: stamps differ: $(diff <(stamps "$k") <(stamps "$2"))"
	[ "$(body "$k/auto.conf")" = "$(body "$3")" ] ||
		fail "$1: auto.conf differs"
	[ "$(body "$k.h")" = "$(body "$4")" ] ||
		fail "$1: autoconf.h defines differ"
}

if [ -n "$py" ]; then
	ksync "$tmp/lib/.config" "$tmp/kdep-lib" "$tmp/kdep-lib.h"
	same lib "$tmp/lib/deps" "$tmp/lib/deps/auto.conf" "$tmp/lib/autoconf.h"
fi
if [ -n "$conf" ]; then
	c=$tmp/conf
	ksync "$c/.config" "$tmp/kdep-conf" "$tmp/kdep-conf.h"
	same conf "$c/include/config" "$c/include/config/auto.conf" \
		"$c/include/generated/autoconf.h"
fi
if [ -n "$py" ] && [ -n "$conf" ]; then
	[ "$(grep ^CONFIG_ "$tmp/kdep-lib/auto.conf")" = \
		"$(grep ^CONFIG_ "$tmp/kdep-conf/auto.conf")" ] ||
		fail "the two tools' .config files read differently"
fi
say "kdep sync-config matches the kconfig tools' outputs"

# ---- a change touches the same stamps --------------------------------------

# DEMO_NET off drops DEMO_NET__STATS (depends on it); the others change
# value or kind.  DEMO_SELFTEST stays n.
change() { # CONFIG
	sed -i -e 's/^CONFIG_DEMO_NET=y/# CONFIG_DEMO_NET is not set/' \
		-e 's/^CONFIG_DEMO_LOG_LEVEL=3/CONFIG_DEMO_LOG_LEVEL=5/' \
		-e 's/^CONFIG_DEMO_CODEC=m/CONFIG_DEMO_CODEC=y/' \
		-e 's/^CONFIG_DEMO_GREETING=.*/CONFIG_DEMO_GREETING="hi"/' "$1"
}
want='./demo/codec.h
./demo/greeting.h
./demo/log/level.h
./demo/net.h
./demo/net/stats.h'

if [ -n "$py" ]; then
	age "$tmp/lib/deps"
	age "$tmp/kdep-lib"
	change "$tmp/lib/.config"
	klib "$tmp/lib/.config" "$tmp/lib/deps" "$tmp/lib/autoconf.h" ||
		fail "Kconfiglib rejects the changed config"
	ksync "$tmp/lib/.config" "$tmp/kdep-lib" "$tmp/kdep-lib.h"
	[ "$(touched "$tmp/lib/deps")" = "$want" ] ||
		fail "Kconfiglib touched unexpected stamps: $(touched "$tmp/lib/deps")"
	[ "$(touched "$tmp/kdep-lib")" = "$want" ] ||
		fail "kdep rewrote other stamps than Kconfiglib:" \
			"$(touched "$tmp/kdep-lib")"
	same lib "$tmp/lib/deps" "$tmp/lib/deps/auto.conf" "$tmp/lib/autoconf.h"
fi
if [ -n "$conf" ]; then
	c=$tmp/conf
	age "$c/include/config"
	age "$tmp/kdep-conf"
	change "$c/.config"
	kconf "$c"
	ksync "$c/.config" "$tmp/kdep-conf" "$tmp/kdep-conf.h"
	[ "$(touched "$c/include/config")" = "$want" ] ||
		fail "kconfig-conf touched unexpected stamps:" \
			"$(touched "$c/include/config")"
	[ "$(touched "$tmp/kdep-conf")" = "$want" ] ||
		fail "kdep rewrote other stamps than kconfig-conf:" \
			"$(touched "$tmp/kdep-conf")"
	same conf "$c/include/config" "$c/include/config/auto.conf" \
		"$c/include/generated/autoconf.h"
fi
say "a config change rewrites the stamps the kconfig tools touch"
