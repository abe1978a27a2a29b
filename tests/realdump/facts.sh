#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The kernel-facts layer against kernel line $1's own debug info, with no
# guest booted: the line's -dbg vmlinux alone (testdata/mkvmcore --fetch)
# opened as a kernel image, `facts --missing` must resolve every required
# fact (exit 0, none listed).  A new kernel that renames what vmsift reads
# fails here in seconds, before any fixture is built.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
[ "$(kernel_line_debug "$KLINE")" = dbg ] || fail "kernel line $KLINE has no -dbg package to read"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vmlinux=$(mkvmcore --fetch) || exit $?
status=0
vmsift -e 'facts --missing' "$vmlinux" >"$tmp/facts" 2>"$tmp/facts.err"
rc=$?
tail -n 1 "$tmp/facts"
if [ $rc -ne 0 ] || ! tail -n 1 "$tmp/facts" | grep -q 'required facts not resolved: 0$'; then
	cat "$tmp/facts" "$tmp/facts.err"
	echo "FAIL: kernel $KLINE: required kernel facts do not resolve (exit $rc)"
	status=1
else
	echo "ok: kernel $KLINE: every required fact resolves"
fi
# the probes this line answers, for the log
vmsift -e facts "$vmlinux" 2>/dev/null | grep '^probe' | sed "s/^/  $KLINE /"
exit $status
