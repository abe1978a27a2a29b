#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The kernel-facts layer against each kernel line's own debug info, with no
# guest booted: the line's -dbg vmlinux alone (testdata/mkvmcore --fetch)
# opened as a kernel image, `facts --missing` must resolve every required
# fact (exit 0, none listed).  A new kernel that renames what vmsift reads
# fails here in seconds, before any fixture is built.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ran=0
for kernel in $(fixture_kernels); do
	[ "$(kernel_line_debug "$kernel")" = dbg ] || continue
	cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
	if ! flock "$cache/.mkvmcore.lock" "$top_srcdir/testdata/mkvmcore" --kernel "$kernel" --fetch --quiet \
		>"$tmp/out" 2>"$tmp/err"; then
		rc=$?
		echo "kernel $kernel: cannot fetch its debug info (status $rc): $(tail -n 1 "$tmp/err")"
		[ $rc -eq 77 ] && [ -z "$(requested_kernel "$kernel")" ] && continue
		status=1
		continue
	fi
	vmlinux=$(tail -n 1 "$tmp/out")
	vmsift -e 'facts --missing' "$vmlinux" >"$tmp/facts" 2>"$tmp/facts.err"
	rc=$?
	tail -n 1 "$tmp/facts"
	if [ $rc -ne 0 ] || ! tail -n 1 "$tmp/facts" | grep -q 'required facts not resolved: 0$'; then
		cat "$tmp/facts" "$tmp/facts.err"
		echo "FAIL: kernel $kernel: required kernel facts do not resolve (exit $rc)"
		status=1
	else
		echo "ok: kernel $kernel: every required fact resolves"
	fi
	# the probes this line answers, for the log
	vmsift -e facts "$vmlinux" 2>/dev/null | grep '^probe' | sed "s/^/  $kernel /"
	ran=$((ran + 1))
done
[ $ran -gt 0 ] || [ $status -ne 0 ] || skip "no kernel line with debug info could be fetched"
exit $status
