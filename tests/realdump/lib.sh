# Shared helpers for the real-dump test tier (sourced by tests/realdump/*.sh).
#
# Each real-dump script tests one kernel line, named by its first argument:
# `make check` runs it once per line of testdata/kernel-lines (the wrappers
# tests/realdump/SCRIPT@LINE.kl, see tests/realdump.mk), so every line x
# script is its own result.  Run by hand without an argument, a script tests
# the first requested line.
#
# kernel_lines [ci]      the kernel lines of testdata/kernel-lines (all, or
#                        those CI runs), space-separated
# kernel_line_debug LINE "dbg" or "image": whether the line has a -dbg package
# requested_lines        the lines VMSIFT_KERNELS asks for: a space-separated
#                        list; "all" = the CI lines, "every" = all lines of
#                        testdata/kernel-lines; unset: 6.1; "none"
#                        turns the tier off (every test skips), as a package
#                        build does: it has no QEMU and no network
# kernel_line [LINE]     start the test of LINE: sets KLINE.  A line nobody
#                        asked for skips (77) here, before anything is built;
#                        an unknown line or VMSIFT_KERNELS entry fails.
# need_fixture [NEED...] build or reuse the fixture of $KLINE with
#                        testdata/mkvmcore and set FIXTURE.  A line that was
#                        asked for (VMSIFT_KERNELS set) and cannot be built
#                        FAILS and says why; only the default line, when
#                        nobody set VMSIFT_KERNELS, may skip when the machine
#                        cannot build fixtures (mkvmcore status 77).  Each
#                        NEED the fixture does not meet fails the test:
#                          scene  the workload built its whole scene (THP,
#                                 KSM, hugetlb, fault-around: SCENE_MISSING)
#                          kaslr  the KASLR offset the guest's kallsyms give
#                                 equals VMCOREINFO's KERNELOFFSET
#                          dumps  every dump format mkvmcore meant to make
#                                 is there (DUMPS_EXPECTED)
#                        (A first argument that is a kernel line sets KLINE,
#                        as the scripts that loop over fixture_kernels do.)
# need_kcore_answers     the answers of this very binary (VMSIFT_REAL) on a
#                        guest's live /proc/kcore (mkvmcore --kcore); sets
#                        KCORE_DIR
# mkvmcore ARGS...       testdata/mkvmcore --kernel $KLINE ARGS under the
#                        cache lock; prints its last line; fails or skips
#                        as need_fixture does
# fixture_kernels, requested_kernel LINE
#                        for scripts that still loop over the lines in one
#                        run: the lines asked for; non-empty when LINE was
# dumps_of DIR           the dump files of a fixture (from its info.env).
# fixture_env KEY        a value of $FIXTURE/info.env
# vmsift ARGS...         run the built binary.
# VMSIFT is a wrapper (vmsift-btf) of the binary VMSIFT_REAL: it runs
# vmsift in BTF mode, without the fixture's vmlinux argument, when
# VMSIFT_BTF=1 (every test in BTF mode) or when the fixture has no vmlinux
# (an image-only kernel line); else it runs the binary as asked.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VMSIFT:=$top_builddir/src/vmsift}"
if [ -z "${VMSIFT_REAL:-}" ]; then
	VMSIFT_REAL=$VMSIFT
	VMSIFT=$top_srcdir/tests/realdump/vmsift-btf
	export VMSIFT VMSIFT_REAL
fi
export top_srcdir top_builddir VMSIFT

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# The kernel lines of testdata/kernel-lines: all of them, or those CI runs.
kernel_lines() { # [ci]
	awk -v ci="${1:-}" '!/^#/ && NF >= 5 && (ci == "" || $5 == "yes") { print $1 }' \
		"$top_srcdir/testdata/kernel-lines" | tr '\n' ' ' | sed 's/ $//'
}
# "dbg" or "image": whether the line has a -dbg package (DWARF).
kernel_line_debug() {
	awk -v l="$1" '!/^#/ && NF >= 5 && $1 == l { print $4 }' "$top_srcdir/testdata/kernel-lines"
}

requested_lines() {
	case ${VMSIFT_KERNELS-} in
	all) kernel_lines ci ;;
	every) kernel_lines ;;
	'') echo 6.1 ;;
	none) ;;
	*) echo $VMSIFT_KERNELS ;;
	esac
}
fixture_kernels() { requested_lines; }
# Non-empty when kernel line $1 was asked for by name in VMSIFT_KERNELS or
# by "all" (then a line that cannot be made is a failure, not a skip).
requested_kernel() {
	[ -n "${VMSIFT_KERNELS-}" ] || return 0
	is_word "$1" $(requested_lines) && echo yes
	return 0
}

# is_word WORD LIST...: WORD is one of LIST
is_word() {
	local w=$1 x
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

kernel_line() {
	local all req k
	[ "${VMSIFT_KERNELS-}" != none ] || skip "the real-dump tier is off (VMSIFT_KERNELS=none)"
	all=$(kernel_lines)
	[ -n "$all" ] || fail "no kernel lines in $top_srcdir/testdata/kernel-lines"
	req=$(requested_lines)
	for k in $req; do
		is_word "$k" $all ||
			fail "VMSIFT_KERNELS names '$k', which is not a kernel line of testdata/kernel-lines ($all)"
	done
	KLINE=${1:-${req%% *}}
	is_word "$KLINE" $all || fail "unknown kernel line '$KLINE' (testdata/kernel-lines: $all)"
	is_word "$KLINE" $req ||
		skip "kernel line $KLINE not requested (VMSIFT_KERNELS=${VMSIFT_KERNELS:-unset}; 'all' tests the CI lines, 'every' all lines)"
	export KLINE
	echo "kernel line $KLINE"
}

# mkvmcore ARGS...: run testdata/mkvmcore for $KLINE; prints the directory
mkvmcore() {
	local out rc log cache why
	[ "${VMSIFT_KERNELS-}" != none ] || skip "the real-dump tier is off (VMSIFT_KERNELS=none)"
	[ -n "${KLINE-}" ] || kernel_line
	# Tests run in parallel: one builds a fixture, the others wait for it.
	cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
	mkdir -p "$cache"
	log=$(mktemp "${TMPDIR:-/tmp}/mkvmcore.XXXXXX")
	out=$(VMSIFT="${VMSIFT_REAL:-$VMSIFT}" flock "$cache/.mkvmcore.lock" "$top_srcdir/testdata/mkvmcore" --kernel "$KLINE" --quiet "$@" 2>"$log")
	rc=$?
	why=$(tail -n 1 "$log")
	if [ $rc -ne 0 ]; then
		[ $rc -eq 77 ] || tail -n 20 "$log" >&2
		rm -f "$log"
		if [ $rc -eq 77 ] && [ -z "$(requested_kernel "$KLINE")" ]; then
			skip "no $KLINE fixture: $why (set VMSIFT_KERNELS to make this a failure)"
		fi
		fail "kernel line $KLINE: mkvmcore --kernel $KLINE${*:+ $*} failed (status $rc): $why"
	fi
	rm -f "$log"
	printf '%s\n' "$out" | tail -n 1
}

need_fixture() {
	if [ $# -gt 0 ] && is_word "$1" $(kernel_lines); then
		KLINE=$1
		shift
	fi
	FIXTURE=$(mkvmcore) || exit $?
	[ -f "$FIXTURE/COMPLETE" ] || fail "fixture $FIXTURE is incomplete"
	export FIXTURE
	echo "fixture $(basename "$FIXTURE")"
	local need problems= missing d
	for need in "$@"; do
		case $need in
		scene)
			grep -q '^SCENE_MISSING=' "$FIXTURE/info.env" ||
				problems="$problems; the fixture does not say whether its scene is whole (no SCENE_MISSING: made by an older workload)"
			# (less what the kernel cannot have: groundtruth.py's
			# SCENE_NOT_CONFIGURED, e.g. THP on a PREEMPT_RT kernel)
			missing=$(cd "$top_srcdir/tests/realdump" &&
				python3 -c 'import sys, groundtruth as g; print(g.Fixture(sys.argv[1]).scene_missing())' "$FIXTURE") ||
				missing="(cannot read the fixture's scene: groundtruth.py failed)"
			[ -z "$missing" ] || problems="$problems; the workload's scene is incomplete: $missing"
			;;
		kaslr)
			local a b
			a=$(fixture_env KASLR_OFFSET)
			b=$(fixture_env VMCOREINFO_KERNELOFFSET)
			if [ -z "$a" ] || [ -z "$b" ]; then
				problems="$problems; no KASLR offset recorded (kallsyms '$a', VMCOREINFO '$b')"
			elif [ "$((a))" != "$((0x${b#0x}))" ]; then
				problems="$problems; KASLR offset $a from the guest's kallsyms differs from VMCOREINFO KERNELOFFSET=$b"
			fi
			;;
		dumps)
			grep -q '^DUMPS_EXPECTED=' "$FIXTURE/info.env" ||
				problems="$problems; the fixture does not list the dumps it should hold (no DUMPS_EXPECTED)"
			for d in $(fixture_env DUMPS_EXPECTED); do
				if ! is_word "$d" $(dumps_of "$FIXTURE") || [ ! -s "$FIXTURE/$d" ]; then
					problems="$problems; dump format $d is missing"
				fi
			done
			;;
		*) fail "need_fixture: unknown need '$need'" ;;
		esac
	done
	[ -z "$problems" ] || fail "fixture $(basename "$FIXTURE") cannot serve this test: ${problems#; }"
}

# need_kcore_answers: the answers of this build ($VMSIFT) on the live
# /proc/kcore of a guest running $KLINE's scene, with that boot's ground
# truth (mkvmcore --kcore: one boot per binary); sets KCORE_DIR.
need_kcore_answers() {
	KCORE_DIR=$(VMSIFT="${VMSIFT_REAL:-$VMSIFT}" mkvmcore --kcore --vmsift "${VMSIFT_REAL:-$VMSIFT}") || exit $?
	[ -f "$KCORE_DIR/COMPLETE" ] || fail "$KCORE_DIR is incomplete"
	export KCORE_DIR
	echo "kcore answers $(basename "$(dirname "$KCORE_DIR")")/$(basename "$KCORE_DIR")"
}

fixture_env() {
	( . "$FIXTURE/info.env" && eval "echo \"\${$1-}\"" )
}

dumps_of() {
	( . "$1/info.env" && echo "$DUMPS" )
}

vmsift() { "$VMSIFT" "$@"; }
