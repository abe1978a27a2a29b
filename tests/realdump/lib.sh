# Shared helpers for the real-dump test tier (sourced by tests/realdump/*.sh).
#
# need_fixture [KERNEL]  build or reuse the fixture of kernel line KERNEL
#                        (default 6.1) with testdata/mkvmcore and set
#                        FIXTURE to its directory; exits 77 (skip) with a
#                        reason when it cannot be made here.
# fixture_kernels        the kernel lines to test: VMSIFT_KERNELS
#                        (space-separated, "all" = the CI lines of
#                        testdata/kernel-lines), default 6.1; "none" turns
#                        the tier off (every test skips), as a package
#                        build does: it has no QEMU and no network.
# dumps_of DIR           the dump files of a fixture (from its info.env).
# vmsift ARGS...         run the built binary.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VMSIFT:=$top_builddir/src/vmsift}"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# The kernel lines of testdata/kernel-lines: all of them, or those CI runs.
kernel_lines() { # [ci]
	awk -v ci="${1:-}" '!/^#/ && NF >= 5 && (ci == "" || $5 == "yes") { print $1 }' \
		"$top_srcdir/testdata/kernel-lines" | tr '\n' ' ' | sed 's/ $//'
}
# "dbg" or "image": whether the line has a -dbg package (DWARF).
kernel_line_debug() {
	awk -v l="$1" '!/^#/ && NF >= 5 && $1 == l { print $4 }' "$top_srcdir/testdata/kernel-lines"
}
fixture_kernels() {
	case "${VMSIFT_KERNELS:-6.1}" in
	all) kernel_lines ci ;;
	*) echo "${VMSIFT_KERNELS:-6.1}" ;;
	esac
}
# Non-empty when kernel line $1 was asked for by name in VMSIFT_KERNELS or
# by "all" (then a line that cannot be made is a failure, not a skip).
requested_kernel() {
	case " ${VMSIFT_KERNELS:-} " in
	*" all "*) case " $(kernel_lines ci) " in *" $1 "*) echo yes ;; esac ;;
	*" $1 "*) echo yes ;;
	esac
}

need_fixture() {
	local kernel=${1:-6.1} out rc
	[ "${VMSIFT_KERNELS:-}" = none ] && skip "the real-dump tier is off (VMSIFT_KERNELS=none)"
	# Tests run in parallel: one builds a fixture, the others wait for it.
	local cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
	mkdir -p "$cache"
	# VMSIFT: the binary mkvmcore runs in the guest on /proc/kcore
	out=$(VMSIFT="$VMSIFT" flock "$cache/.mkvmcore.lock" "$top_srcdir/testdata/mkvmcore" --kernel "$kernel" --quiet 2>"${TMPDIR:-/tmp}/mkvmcore.$$.log")
	rc=$?
	if [ $rc -eq 77 ]; then
		skip "no $kernel fixture: $(tail -n 1 "${TMPDIR:-/tmp}/mkvmcore.$$.log")"
	elif [ $rc -ne 0 ]; then
		tail -n 20 "${TMPDIR:-/tmp}/mkvmcore.$$.log"
		rm -f "${TMPDIR:-/tmp}/mkvmcore.$$.log"
		fail "mkvmcore --kernel $kernel failed (status $rc)"
	fi
	rm -f "${TMPDIR:-/tmp}/mkvmcore.$$.log"
	FIXTURE=$(printf '%s\n' "$out" | tail -n 1)
	[ -f "$FIXTURE/COMPLETE" ] || fail "fixture $FIXTURE is incomplete"
	export FIXTURE
}

dumps_of() {
	( . "$1/info.env" && echo "$DUMPS" )
}

vmsift() { "$VMSIFT" "$@"; }
