#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Foundation checks on real dumps of one kernel line ($1), every dump
# format: sys, sym, ptype, struct, whatis, rd, vtop and page agree with what
# the guest kernel and its build recorded (uname, System.map plus the KASLR
# offset of the guest's kallsyms, pahole's layouts, QEMU's paging dump,
# /proc/kpageflags, /proc/kpagecount), the JSON is valid, and a vmlinux is
# found from the dump alone while a mismatched one is refused cleanly.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
command -v python3 >/dev/null || fail "python3 is needed to compare with the ground truth"
need_fixture scene kaslr dumps
status=0
for d in $(dumps_of "$FIXTURE"); do
	echo "== $KLINE $d"
	python3 "$top_srcdir/tests/realdump/foundation.py" "$VMSIFT" "$FIXTURE" "$d" \
		"$top_builddir/tests/fixtures/kernel_types.elf" || status=1
done
exit $status
