#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Kernel memory mutated in a copy of each fixture kernel's vmcore.elf: struct
# pages, task_structs, maple nodes, anon_vma trees and page tables, 30 fixed
# cases (seed 1) of tests/fuzz/memfuzz.py.  Every command that walks what a
# case hit must end with per-item errors and a partial answer: no crash, no
# sanitizer report, no hang, bounded memory.  The copy (512 MiB) lives under
# $TMPDIR and is removed at the end.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is needed"
status=0
for kernel in $(fixture_kernels); do
	need_fixture "$kernel"
	# an image-only line has no vmlinux: the wrapper runs it in BTF mode
	[ -f "$FIXTURE/vmcore.elf" ] || fail "no vmcore.elf in $FIXTURE"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-memfuzz.XXXXXX")
	echo "== $kernel"
	# a line's cases take a minute or two (under ASan too): one that runs
	# on is a hang of the test itself, failed here, not left to the CI's
	# clock
	timeout 1200 python3 "$top_srcdir/tests/fuzz/memfuzz.py" --cases 30 --seed 1 --timeout 300 \
		--log "$tmp/log" "$VMSIFT" "$FIXTURE" "$tmp/work" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -ne 124 ] || echo "FAIL: memfuzz.py on $kernel ran over 1200 s"
	[ $rc -eq 0 ] || status=1
	grep -v '^ok ' "$tmp/log" 2>/dev/null
	cat "$tmp/err"
	[ -s "$tmp/log" ] || { echo "FAIL: memfuzz.py wrote no log"; status=1; }
	rm -rf "$tmp"
done
exit $status
