# Shared helpers of tests/compat/{run,prepare,replay}; sourced, not run.
# See tests/compat/run for the work directory layout.
# shellcheck shell=bash disable=SC2034

work=${KDEP_COMPAT_DIR:-/var/tmp/libkdep-compat}

say() { printf 'compat: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The kernel versions we know how to fetch: Debian 12 ships both as
# linux-source-X.Y packages.
check_version() {
	case $1 in
	6.1 | 6.12) ;;
	*) die "unknown kernel version '$1' (want 6.1 or 6.12)" ;;
	esac
}

# Seconds since the epoch with microseconds, for phase timings.
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
