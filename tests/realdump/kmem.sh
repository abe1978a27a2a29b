#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# slabinfo, slab, vmalloc, memcg, kmem ADDR and the report's kernel-memory
# section on each fixture kernel's vmcore.elf, against what the guest kernel
# recorded about its own memory (/proc/slabinfo, /proc/vmallocinfo,
# memory.stat, /sys/kernel/slab, /proc/net/unix, /proc/modules, kallsyms).
# The margins are stated in kmem.py.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to compare"
status=0
tested=0
for kernel in $(fixture_kernels); do
	need_fixture "$kernel"
	echo "== $kernel"
	python3 "$top_srcdir/tests/realdump/kmem.py" "$VMSIFT" "$FIXTURE"
	rc=$?
	case $rc in
	0) tested=$((tested + 1)) ;;
	77) ;;
	*) status=1 ;;
	esac
done
[ $status -ne 0 ] && exit $status
[ $tested -gt 0 ] || skip "no fixture has kernel-memory ground truth"
exit 0
