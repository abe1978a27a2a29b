#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# BTF mode against DWARF: on each fixture kernel that has a vmlinux with
# DWARF, the whole command set runs twice, with the DWARF and with --btf
# (the dump's own BTF and kallsyms, or the System.map beside it before 6.0),
# and the JSON answers must be identical except for the fields doc/json.md
# lists as differing (see btf.py).
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to compare"
status=0
compared=0
for kernel in $(fixture_kernels); do
	need_fixture "$kernel"
	if [ ! -f "$FIXTURE/vmlinux" ]; then
		echo "== $kernel: image-only, no DWARF to compare with (the other tests run it in BTF mode)"
		continue
	fi
	for dump in vmcore.elf vmcore.d31; do
		[ -f "$FIXTURE/$dump" ] || continue
		echo "== $kernel $dump"
		python3 "$top_srcdir/tests/realdump/btf.py" "${VMSIFT_REAL:-$VMSIFT}" "$FIXTURE" "$dump" ||
			status=1
		compared=$((compared + 1))
	done
done
[ $compared -gt 0 ] || skip "no fixture with a vmlinux with DWARF"
exit $status
